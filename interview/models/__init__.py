"""Database tables, one module per feature; everything is importable from here.

- core: users, questions, answers (attempts) and their scores
- classes: classes, question sets, mock-interview sessions, comments and rubrics
- sharing: what a candidate shares with recruiters, and who viewed it
- account: one-time password-reset links and in-app notices
"""
from interview.models.account import Notice, PasswordReset
from interview.models.classes import (AnswerComment, ClassMembership, Classroom, MockSession,
                                      QuestionSet, QuestionSetItem, RubricCriterion, RubricMark,
                                      SessionInvite, SessionItem)
from interview.models.core import (ALL_QUESTIONS, Attempt, AttemptStatus, Modality, Question, Role,
                                   Score, ScoreTotal, User, utcnow)
from interview.models.sharing import Share, ShareItem, ShareView

__all__ = [
    "ALL_QUESTIONS", "AnswerComment", "Attempt", "AttemptStatus", "ClassMembership", "Classroom",
    "MockSession", "Modality", "Notice", "PasswordReset", "Question", "QuestionSet",
    "QuestionSetItem", "Role", "RubricCriterion", "RubricMark", "Score", "ScoreTotal",
    "SessionInvite", "SessionItem", "Share", "ShareItem", "ShareView", "User", "utcnow",
]
