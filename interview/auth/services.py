"""Accounts: creation, look-up, sign-in checks and deletion."""
from flask import current_app
from sqlalchemy import func, select

from interview.extensions import db
from interview.models import Role, User


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, display_name: str, password: str, role: str = Role.CANDIDATE) -> User:
    if role not in set(Role):
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role)}")
    if find_user_by_email(email):
        raise ValueError(f"an account with email {email} already exists")
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.check_password(password):
        return None
    return user


def delete_user(user: User) -> None:
    """Delete the account with every attempt, score and recording."""
    user_id = user.id
    db.session.delete(user)  # attempts, scores and totals cascade in the database
    db.session.commit()
    current_app.extensions["recording_store"].delete_user_folder(user_id)
