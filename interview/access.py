"""Who may see an answer. Its owner; the instructor of a class the owner is still in, for an
answer given in one of that class's sessions; a recruiter with whom the owner shares it, while
the share lives. Everyone else gets 404, never 403: not even the answer's existence shows.
"""
from enum import StrEnum

from flask import abort

from interview.extensions import db
from interview.models import Attempt, ClassMembership, Role, User
from interview.sharing.selection import live_shares_with, share_attempts


class Viewer(StrEnum):
    OWNER = "owner"
    INSTRUCTOR = "instructor"
    RECRUITER = "recruiter"


def instructs(user: User, attempt: Attempt) -> bool:
    """The user runs the class whose session this answer was given in, and the owner has not
    left that class."""
    item = attempt.session_item
    if item is None or item.session.classroom_id is None:
        return False
    classroom = item.session.classroom
    if classroom.instructor_id != user.id:
        return False
    membership = db.session.scalar(db.select(ClassMembership).where(
        ClassMembership.classroom_id == classroom.id, ClassMembership.user_id == attempt.user_id))
    return membership is not None and membership.left_at is None


def shared_with(user: User, attempt: Attempt) -> bool:
    if user.role != Role.RECRUITER:
        return False
    return any(share.owner_id == attempt.user_id and attempt in share_attempts(share)
               for share in live_shares_with(user))


def viewer_of(user: User, attempt: Attempt) -> Viewer | None:
    if attempt.user_id == user.id:
        return Viewer.OWNER
    if user.role in (Role.INSTRUCTOR, Role.ADMIN) and instructs(user, attempt):
        return Viewer.INSTRUCTOR
    if shared_with(user, attempt):
        return Viewer.RECRUITER
    return None


def viewable_attempt_or_404(attempt_id: int, user: User) -> tuple[Attempt, Viewer]:
    attempt = db.session.get(Attempt, attempt_id)
    viewer = viewer_of(user, attempt) if attempt is not None else None
    if viewer is None:
        abort(404)
    return attempt, viewer
