"""The seed question bank: common interview questions, each with a category."""
from sqlalchemy import select

from interview.extensions import db
from interview.models import Question

SEED_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("introduction", "Tell me about yourself."),
    ("introduction", "Walk me through your CV and the choices behind it."),
    ("motivation", "Why do you want this job?"),
    ("motivation", "Why do you want to work for this company?"),
    ("motivation", "Where do you see yourself in five years?"),
    ("motivation", "What are you looking for in your next role?"),
    ("strengths", "What is your greatest strength?"),
    ("strengths", "What is your greatest weakness, and what are you doing about it?"),
    ("behavioural", "Tell me about a time you went beyond what was asked of you."),
    ("behavioural", "Describe a time you had to learn something new very quickly."),
    ("behavioural", "Tell me about a time you worked under a tight deadline."),
    ("teamwork", "Tell me about a time you worked in a team to reach a difficult goal."),
    ("teamwork", "How do you handle a team member who is not pulling their weight?"),
    ("leadership", "Describe a time you led a project or a group of people."),
    ("leadership", "Tell me about a time you had to persuade someone to see things your way."),
    ("conflict", "Tell me about a disagreement with a colleague and how you resolved it."),
    ("conflict", "Describe a time you received criticism. How did you respond?"),
    ("failure", "Tell me about a time you failed. What did you learn?"),
    ("failure", "Describe a mistake you made at work and how you put it right."),
    ("problem solving", "Tell me about the hardest problem you have solved."),
    ("problem solving", "Describe a decision you had to make without all the information."),
    ("pressure", "How do you handle stress and pressure?"),
    ("closing", "Why should we hire you?"),
    ("closing", "Do you have any questions for us?"),
)


def seed_question_bank() -> tuple[int, int]:
    """Add the standard questions that are not there yet; return (added, total)."""
    existing = set(db.session.scalars(select(Question.text)))
    added = [Question(text=text, category=category)
             for category, text in SEED_QUESTIONS if text not in existing]
    db.session.add_all(added)
    db.session.commit()
    return len(added), len(existing) + len(added)
