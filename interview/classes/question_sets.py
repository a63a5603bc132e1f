"""Question sets: an instructor's or recruiter's reusable, ordered list of questions, taken
from the bank or written for the set. Sessions copy a set's questions, so changing a set later
never changes a session already made from it."""
from flask import abort
from sqlalchemy import func, select

from interview.classes.services import owned_or_404
from interview.extensions import db
from interview.models import Question, QuestionSet, QuestionSetItem, Role, User

MAX_SET_QUESTIONS = 50
SET_ROLES = (Role.INSTRUCTOR, Role.RECRUITER, Role.ADMIN)


class SetChangeRefused(Exception):
    """A change a set cannot take; the message says why, for the person who asked."""


def owned_set_or_404(set_id: int, user: User) -> QuestionSet:
    return owned_or_404(QuestionSet, set_id, user, SET_ROLES)


def item_or_404(question_set: QuestionSet, item_id: int) -> QuestionSetItem:
    item = next((item for item in question_set.items if item.id == item_id), None)
    if item is None:
        abort(404)
    return item


def owned_sets(user: User) -> list[QuestionSet]:
    return list(db.session.scalars(select(QuestionSet).where(QuestionSet.owner_id == user.id)
                                   .order_by(QuestionSet.created_at.desc(), QuestionSet.id.desc())))


def create_set(owner: User, name: str) -> QuestionSet:
    question_set = QuestionSet(owner_id=owner.id, name=name.strip())
    db.session.add(question_set)
    db.session.commit()
    return question_set


def rename_set(question_set: QuestionSet, name: str) -> None:
    question_set.name = name.strip()
    db.session.commit()


def delete_set(question_set: QuestionSet) -> None:
    """Sessions made from the set keep their own copy of its questions."""
    db.session.delete(question_set)
    db.session.commit()


def bank_questions_by_category(excluding: QuestionSet | None = None) -> dict[str, list[Question]]:
    """The public bank, grouped by category, less the questions the set already holds."""
    taken = {item.question_id for item in excluding.items} if excluding else set()
    grouped: dict[str, list[Question]] = {}
    for question in db.session.scalars(select(Question).where(Question.in_bank.is_(True))
                                       .order_by(Question.category, Question.id)):
        if question.id not in taken:
            grouped.setdefault(question.category, []).append(question)
    return grouped


def categories() -> list[str]:
    """Categories already in use, to suggest when writing a question."""
    return list(db.session.scalars(select(Question.category).distinct().order_by(Question.category)))


def add_bank_questions(question_set: QuestionSet, question_ids: list[int]) -> int:
    """Add bank questions in the order given; returns how many were new to the set."""
    found = {q.id: q for q in db.session.scalars(
        select(Question).where(Question.id.in_(question_ids), Question.in_bank.is_(True)))}
    if len(found) != len(set(question_ids)):
        raise SetChangeRefused("Only questions from the bank can be picked.")
    return _append(question_set, [found[qid] for qid in dict.fromkeys(question_ids)])


def add_own_question(question_set: QuestionSet, author: User, text: str, category: str,
                     time_limit: int) -> Question:
    """Write a question for the set. Question texts are unique: the same text, already stored
    (in the bank or written before), is that question; the author's own is updated."""
    text, category = " ".join(text.split()), category.strip().lower()
    question = db.session.scalar(select(Question).where(Question.text == text))
    if question is None:
        question = Question(text=text, category=category, time_limit_seconds=time_limit,
                            in_bank=False, author_id=author.id)
        db.session.add(question)
    elif not question.in_bank and question.author_id == author.id:
        question.category, question.time_limit_seconds = category, time_limit
    if any(item.question_id == question.id for item in question_set.items):
        db.session.rollback()
        raise SetChangeRefused("That question is already in this set.")
    _append(question_set, [question])
    return question


def _append(question_set: QuestionSet, questions: list[Question]) -> int:
    taken = {item.question_id for item in question_set.items}
    new = [q for q in questions if q.id is None or q.id not in taken]
    if len(question_set.items) + len(new) > MAX_SET_QUESTIONS:
        db.session.rollback()
        raise SetChangeRefused(f"A set holds at most {MAX_SET_QUESTIONS} questions.")
    last = db.session.scalar(select(func.max(QuestionSetItem.position))
                             .where(QuestionSetItem.question_set_id == question_set.id)) or 0
    for offset, question in enumerate(new, start=1):
        question_set.items.append(QuestionSetItem(question=question, position=last + offset))
    db.session.commit()
    return len(new)


def move_item(question_set: QuestionSet, item: QuestionSetItem, step: int) -> None:
    """Swap the item with its neighbour above (step -1) or below (+1); at an end, nothing moves."""
    items = list(question_set.items)
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        _renumber(items)
    db.session.commit()


def remove_item(question_set: QuestionSet, item: QuestionSetItem) -> None:
    question_set.items.remove(item)
    _renumber(question_set.items)
    db.session.commit()


def _renumber(items: list[QuestionSetItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position
