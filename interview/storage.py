"""Recordings on disk: outside static/, one folder per user, generated names.

The type of an upload is decided from its first bytes, never from its name or the browser's
word, so a text file renamed .webm is refused before anything tries to decode it.
"""
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from emotion.errors import EmptyInput, UnreadableMedia


@dataclass(frozen=True)
class MediaKind:
    extension: str
    mimetype: str
    has_video: bool


WEBM = MediaKind("webm", "video/webm", True)
MP4 = MediaKind("mp4", "video/mp4", True)
OGG = MediaKind("ogg", "audio/ogg", False)
WAV = MediaKind("wav", "audio/wav", False)
FLAC = MediaKind("flac", "audio/flac", False)
MP3 = MediaKind("mp3", "audio/mpeg", False)


def sniff_media(head: bytes) -> MediaKind | None:
    """The container a file really is, from its first 64 bytes; None if not one we read."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM  # EBML (Matroska/WebM)
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return MP3
    return None


class RecordingStore:
    """Saves and finds recordings under ``root/<user id>/<random name>.<ext>``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def save(self, user_id: int, stream, max_bytes: int) -> tuple[str, MediaKind]:
        """Write an upload, checking its real type; return (relative path, kind)."""
        head = stream.read(64)
        if not head:
            raise EmptyInput("The recording is empty. Record again.")
        kind = sniff_media(head)
        if kind is None:
            raise UnreadableMedia("That file is not a recording we can read (webm, mp4, ogg, wav, flac or mp3).")
        folder = self.root / str(int(user_id))
        folder.mkdir(parents=True, exist_ok=True)
        relative = f"{int(user_id)}/{secrets.token_urlsafe(16)}.{kind.extension}"
        written = len(head)
        with open(self.root / relative, "wb") as handle:
            handle.write(head)
            while chunk := stream.read(1024 * 1024):
                written += len(chunk)
                if written > max_bytes:
                    handle.close()
                    (self.root / relative).unlink(missing_ok=True)
                    raise UnreadableMedia("The recording is larger than the upload limit.")
                handle.write(chunk)
        return relative, kind

    def path(self, relative: str) -> Path:
        """The absolute path of a stored recording; refuses anything outside the store."""
        candidate = (self.root / relative).resolve()
        if self.root.resolve() not in candidate.parents:
            raise FileNotFoundError(relative)
        return candidate

    def delete(self, relative: str | None) -> None:
        if relative:
            try:
                self.path(relative).unlink(missing_ok=True)
            except FileNotFoundError:
                pass

    def delete_user_folder(self, user_id: int) -> None:
        shutil.rmtree(self.root / str(int(user_id)), ignore_errors=True)


def recording_store() -> "RecordingStore":
    """The app's recording store (see ``create_app``)."""
    return current_app.extensions["recording_store"]
