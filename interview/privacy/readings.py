"""The candidate's own switch for emotion readings (``User.emotion_readings_enabled``).

Off, the analysis of a new recording reads no emotion at all (see
:mod:`interview.recordings.analysis`), and no page shows an emotion reading of that person's,
including readings stored before they switched: those stay in the database, hidden, and show
again if the switch goes back on. Delivery measures and the written answers' feedback remain.

Pages that show someone's scores ask :func:`readings_shown` for the owner and drop the names
:func:`is_emotion_reading` picks (everything read from the face, and the voice's emotions).
"""
from collections.abc import Iterable

from interview.extensions import db
from interview.models import User

# Score names read from the face (its 7 emotions, how long it was in view, its wheel states) or
# from the voice's emotions, and the valence and arousal of either; the delivery, words and
# camera measures have plain names.
EMOTION_SCORE_PREFIXES = ("face_", "voice_", "wheel_", "valence_", "arousal_")


def is_emotion_reading(score_name: str) -> bool:
    return score_name.startswith(EMOTION_SCORE_PREFIXES)


def shown_in_queries(owner_switch, score_name):
    """SQL condition: a score row may be used, given its owner's switch column and its name
    column (emotion readings of people who switched them off are left out)."""
    from sqlalchemy import and_, or_

    return or_(owner_switch.is_(True), and_(*(~score_name.startswith(prefix) for prefix in EMOTION_SCORE_PREFIXES)))


def readings_shown(owner: User) -> bool:
    """Whether the emotion readings of ``owner``'s answers may be shown, to anyone."""
    return bool(owner.emotion_readings_enabled)


def visible_score_names(owner: User, names: Iterable[str]) -> list[str]:
    """``names`` without the emotion readings when the owner has switched them off."""
    return [name for name in names if readings_shown(owner) or not is_emotion_reading(name)]


def set_emotion_readings(user: User, enabled: bool) -> None:
    user.emotion_readings_enabled = enabled
    db.session.commit()
