"""Consent before the first recording with each device: what is recorded, what the models
read, who can see it and how long it is kept, asked once per device (camera, microphone)."""
from flask import redirect, url_for

from interview.extensions import db
from interview.models import User, utcnow

# The devices each recorded mode uses.
DEVICES = {"video": ("camera", "microphone"), "audio": ("microphone",)}


def missing_consent(user: User, modality: str) -> list[str]:
    """The devices of ``modality`` the user has not yet agreed to record with."""
    given = {"camera": user.camera_consent_at, "microphone": user.microphone_consent_at}
    return [device for device in DEVICES.get(modality, ()) if given[device] is None]


def consent_page_if_needed(user: User, modality: str, next_path: str):
    """A redirect to the consent page when the user has not agreed yet, else None."""
    if not missing_consent(user, modality):
        return None
    return redirect(url_for("privacy.consent", modality=modality, next=next_path))


def give_consent(user: User, modality: str) -> None:
    now = utcnow()
    for device in missing_consent(user, modality):
        setattr(user, f"{device}_consent_at", now)
    db.session.commit()
