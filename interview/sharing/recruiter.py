"""The recruiter's side: who shared with them, what, and which answers can be put side by side.
Everything here starts from the recruiter's live shares, so nothing else can be reached."""
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort

from interview.extensions import db
from interview.models import Attempt, Question, Role, Share, User
from interview.sharing.selection import PROFILE, live_shares_with, share_attempts


@dataclass
class SharedCandidate:
    """A candidate who shares with this recruiter, through one or more live shares."""

    user: User
    shares: list[Share] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)   # newest first, each once

    @property
    def last_shared_at(self) -> datetime:
        return max(share.created_at for share in self.shares)

    @property
    def kinds(self) -> list[str]:
        return sorted({"benchmark profile" if s.kind == PROFILE else "chosen answers" for s in self.shares})

    def latest_answer(self, question_id: int, modality: str) -> Attempt | None:
        """Their newest shared answer to this question in this mode."""
        return next((a for a in self.attempts if a.question_id == question_id and a.modality == modality), None)


def shared_candidates(recruiter: User) -> list[SharedCandidate]:
    """Every candidate with a live share naming this recruiter, most recently shared first.
    Anyone who is not a recruiter has none."""
    if recruiter.role != Role.RECRUITER:
        return []
    candidates: dict[int, SharedCandidate] = {}
    for share in live_shares_with(recruiter):
        candidate = candidates.setdefault(share.owner_id, SharedCandidate(share.owner))
        candidate.shares.append(share)
        candidate.attempts.extend(a for a in share_attempts(share) if a not in candidate.attempts)
    for candidate in candidates.values():
        candidate.attempts.sort(key=lambda a: (a.created_at, a.id), reverse=True)
    return sorted(candidates.values(), key=lambda c: c.last_shared_at, reverse=True)


def shared_candidate_or_404(recruiter: User, user_id: int) -> SharedCandidate:
    candidate = next((c for c in shared_candidates(recruiter) if c.user.id == user_id), None)
    if candidate is None:
        abort(404)
    return candidate


@dataclass
class ComparableQuestion:
    """A question answered in one mode by at least one candidate who shares it."""

    question: Question
    modality: str
    candidates: list[SharedCandidate] = field(default_factory=list)


def comparable_questions(candidates: list[SharedCandidate]) -> list[ComparableQuestion]:
    """Each question and mode with the shared candidates who answered it, the most answered first."""
    found: dict[tuple[int, str], ComparableQuestion] = {}
    for candidate in candidates:
        for attempt in candidate.attempts:
            entry = found.setdefault((attempt.question_id, attempt.modality),
                                     ComparableQuestion(attempt.question, attempt.modality))
            if candidate not in entry.candidates:
                entry.candidates.append(candidate)
    return sorted(found.values(), key=lambda q: (-len(q.candidates), q.modality, q.question.id))


def comparison_entries(recruiter: User, question_id: int, modality: str,
                       user_ids: list[int]) -> tuple[Question, list[tuple[User, Attempt]]]:
    """The question and each chosen candidate's newest shared answer to it in this mode (all of
    them when none is chosen). 404 when a chosen candidate does not share such an answer with
    this recruiter, or no one does."""
    question = db.session.get(Question, question_id)
    shared = {c.user.id: c for c in shared_candidates(recruiter)}
    chosen = list(dict.fromkeys(user_ids)) or list(shared)
    entries = []
    for user_id in chosen:
        candidate = shared.get(user_id)
        attempt = candidate.latest_answer(question_id, modality) if candidate else None
        if attempt is None:
            if user_ids:
                abort(404)
            continue
        entries.append((candidate.user, attempt))
    if question is None or not entries:
        abort(404)
    return question, entries
