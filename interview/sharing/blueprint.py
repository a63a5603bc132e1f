"""The sharing blueprint; its views live in candidate_views, link_views and recruiter_views,
and interview.sharing.routes gathers them."""
from flask import Blueprint

bp = Blueprint("sharing", __name__)
