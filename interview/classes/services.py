"""Classes and who is in them: creating a class, its join code, joining and leaving.

Leaving keeps the membership row (``left_at``): ``interview.access`` reads it, so the
instructor's access to the student's answers ends the moment it is set. Rejoining clears it.
"""
import secrets

from flask import abort, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from interview.extensions import db
from interview.models import ClassMembership, Classroom, Role, User, utcnow
from interview.notify import notify

# No 0/O, 1/I/L: a code read aloud or copied from a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
TEACHING_ROLES = (Role.INSTRUCTOR, Role.ADMIN)


def normalize_code(raw: str | None) -> str:
    """What a person typed, as a code: case, spaces and dashes do not matter."""
    return "".join((raw or "").split()).replace("-", "").upper()


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


def new_join_code() -> str:
    """A code no class holds yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def create_class(instructor: User, name: str, description: str | None) -> Classroom:
    classroom = Classroom(instructor_id=instructor.id, name=name.strip(),
                          description=(description or "").strip() or None, join_code=new_join_code())
    db.session.add(classroom)
    db.session.commit()
    return classroom


def update_class(classroom: Classroom, name: str, description: str | None) -> None:
    classroom.name = name.strip()
    classroom.description = (description or "").strip() or None
    db.session.commit()


def replace_join_code(classroom: Classroom) -> None:
    """A new code (and link); the old one stops working. Members stay members."""
    classroom.join_code = new_join_code()
    db.session.commit()


def delete_class(classroom: Classroom) -> None:
    """The class, its sessions and rubric go; answers stay their owners', outside any session."""
    db.session.delete(classroom)
    db.session.commit()


def owned_or_404(model, row_id: int, user: User, roles: tuple[str, ...], owner: str = "owner_id"):
    """A class, set or session, for its owner while they hold one of ``roles``; 404 for
    anyone else, so that not even its existence shows."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, owner) != user.id or not user.has_role(*roles):
        abort(404)
    return row


def owned_class_or_404(class_id: int, user: User) -> Classroom:
    return owned_or_404(Classroom, class_id, user, TEACHING_ROLES, owner="instructor_id")


def instructed_classes(user: User) -> list[Classroom]:
    return list(db.session.scalars(select(Classroom).where(Classroom.instructor_id == user.id)
                                   .order_by(Classroom.created_at.desc(), Classroom.id.desc())))


def student_counts(classes: list[Classroom]) -> dict[int, int]:
    """Current students per class."""
    rows = db.session.execute(
        select(ClassMembership.classroom_id, func.count()).where(
            ClassMembership.classroom_id.in_([c.id for c in classes]), ClassMembership.left_at.is_(None))
        .group_by(ClassMembership.classroom_id))
    return dict(rows.all())


def class_by_code(code: str) -> Classroom | None:
    if not looks_like_code(code):
        return None
    return db.session.scalar(select(Classroom).where(Classroom.join_code == code))


def membership(classroom_id: int, user_id: int) -> ClassMembership | None:
    return db.session.scalar(select(ClassMembership).where(
        ClassMembership.classroom_id == classroom_id, ClassMembership.user_id == user_id))


def is_current_member(classroom: Classroom, user: User) -> bool:
    member = membership(classroom.id, user.id)
    return member is not None and member.left_at is None


def join(classroom: Classroom, user: User) -> ClassMembership:
    """Join, or rejoin after leaving (the same row, with a new joining date)."""
    member = membership(classroom.id, user.id)
    if member is None:
        member = ClassMembership(classroom_id=classroom.id, user_id=user.id)
        db.session.add(member)
    elif member.left_at is not None:
        member.left_at, member.joined_at = None, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the other request has just joined
        db.session.rollback()
        member = membership(classroom.id, user.id)
    return member


def leave(member: ClassMembership) -> None:
    """The student leaves (or is removed): the instructor's access ends with this commit."""
    member.left_at = utcnow()
    db.session.commit()


def remove_student(member: ClassMembership) -> None:
    """The instructor takes a student out of the class; the student is told."""
    notify(member.user, f"You were removed from the class {member.classroom.name}: its instructor no "
                        "longer sees your answers.", url_for("classes.my_classes"))
    leave(member)


def current_membership_or_404(class_id: int, user: User) -> ClassMembership:
    member = membership(class_id, user.id)
    if member is None or member.left_at is not None:
        abort(404)
    return member


def current_members(classroom: Classroom) -> list[ClassMembership]:
    """The class's current students, by name."""
    return list(db.session.scalars(
        select(ClassMembership).join(User, User.id == ClassMembership.user_id)
        .where(ClassMembership.classroom_id == classroom.id, ClassMembership.left_at.is_(None))
        .order_by(func.lower(User.display_name), User.id)))


def member_classes(user: User) -> list[Classroom]:
    """The classes the user is currently in, newest joined first."""
    return list(db.session.scalars(
        select(Classroom).join(ClassMembership, ClassMembership.classroom_id == Classroom.id)
        .where(ClassMembership.user_id == user.id, ClassMembership.left_at.is_(None))
        .order_by(ClassMembership.joined_at.desc(), Classroom.id.desc())))


def is_in_any_class(user: User) -> bool:
    return db.session.scalar(select(ClassMembership.id).where(
        ClassMembership.user_id == user.id, ClassMembership.left_at.is_(None)).limit(1)) is not None
