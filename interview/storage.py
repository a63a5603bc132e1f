"""Recordings on disk: outside static/, one folder per user, generated names.

The type of an upload is decided from its first bytes, never from its name or the browser's
word, so a text file renamed .webm is refused before anything tries to decode it.

An upload is written under a temporary name (``<name>.part``) and takes its final name only
once its answer is committed, so a server stopped mid-upload leaves no file that looks kept:
:mod:`interview.recordings.sweep` removes what is left over.
"""
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from emotion.errors import EmptyInput, UnreadableMedia

log = logging.getLogger(__name__)


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


# Any name with this suffix among its suffixes is not (yet) a kept recording.
TEMPORARY = ".part"


@dataclass(frozen=True)
class StoredFile:
    relative: str
    age_seconds: float

    @property
    def temporary(self) -> bool:
        return TEMPORARY in Path(self.relative).suffixes

    @property
    def final_name(self) -> str | None:
        """The name an upload's temporary file takes once its answer is committed."""
        return self.relative.removesuffix(TEMPORARY) if self.relative.endswith(TEMPORARY) else None


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
        """Write an upload under its temporary name (:meth:`pending_path`), checking its real
        type; return (final relative path, kind). Call :meth:`keep` once its answer is
        committed, :meth:`discard` if it is refused."""
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
        with open(self.pending_path(relative), "wb") as handle:
            handle.write(head)
            while chunk := stream.read(1024 * 1024):
                written += len(chunk)
                if written > max_bytes:
                    handle.close()
                    self.discard(relative)
                    raise UnreadableMedia("The recording is larger than the upload limit.")
                handle.write(chunk)
        return relative, kind

    def pending_path(self, relative: str) -> Path:
        """Where an upload lies until its answer is committed."""
        return self._inside(relative + TEMPORARY)

    def keep(self, relative: str) -> None:
        """Give a committed upload its final name (safe to repeat)."""
        try:
            os.replace(self.pending_path(relative), self._inside(relative))
        except FileNotFoundError:
            if not self._inside(relative).exists():
                log.warning("recording %s has neither its temporary nor its final file", relative)

    def discard(self, relative: str) -> None:
        """Remove an upload that was refused or whose answer was never committed."""
        self.pending_path(relative).unlink(missing_ok=True)

    def path(self, relative: str) -> Path:
        """The absolute path of a stored recording; refuses anything outside the store. A
        recording whose answer was committed but whose rename was cut short gets it now."""
        candidate = self._inside(relative)
        if not candidate.exists() and self.pending_path(relative).exists():
            self.keep(relative)
        return candidate

    def _inside(self, relative: str) -> Path:
        candidate = (self.root / relative).resolve()
        if self.root.resolve() not in candidate.parents:
            raise FileNotFoundError(relative)
        return candidate

    def files(self) -> list[StoredFile]:
        """Every file in the store, kept or temporary, with its age."""
        now = time.time()
        found = []
        for path in self.root.glob("*/*"):
            try:
                age = now - path.stat().st_mtime
            except FileNotFoundError:  # removed meanwhile
                continue
            if path.is_file():
                found.append(StoredFile(path.relative_to(self.root).as_posix(), age))
        return found

    def remove(self, relative: str) -> None:
        """Remove any file of the store, kept or temporary."""
        try:
            self._inside(relative).unlink(missing_ok=True)
        except FileNotFoundError:
            pass

    def delete(self, relative: str | None) -> None:
        if relative:
            self.remove(relative)
            self.discard(relative)

    def delete_user_folder(self, user_id: int) -> None:
        shutil.rmtree(self.root / str(int(user_id)), ignore_errors=True)


def recording_store() -> "RecordingStore":
    """The app's recording store (see ``create_app``)."""
    return current_app.extensions["recording_store"]
