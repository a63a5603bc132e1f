"""The classes feature's one blueprint. Its views live in three modules, by who uses them:
routes (students: sessions, joining, leaving), instructor_routes (a class, its dashboard,
figures and export) and set_routes / session_routes (question sets and the sessions made from
them); ``interview.classes.routes`` imports the others so that registering it registers all."""
from flask import Blueprint

bp = Blueprint("classes", __name__)
