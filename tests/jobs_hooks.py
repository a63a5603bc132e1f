"""Test-only stand-ins for :func:`interview.runner.analyze_recording`, importable by a spawned
child or a queue worker (``ANALYSIS_FUNCTION`` / ``POISE_ANALYSIS_FUNCTION``).

A recording with a ``NAME.hang`` marker spins in numpy forever, as the stuck jobs of issue 15
did; any other gets a real (delivery-only) voice result. Each writes ``NAME.pid``, so a test
can check which process ran it and that a killed one is gone. Markers live in ``job-markers``
beside the recordings folder (a starting app sweeps files with no row out of that folder)."""
import os
from dataclasses import fields
from pathlib import Path

from emotion.base import VoiceAnalysis
from emotion.speech_types import DeliveryMeasures

# Light on purpose: a child imports this module inside the job's deadline.
DELIVERY = {field.name: 1.0 for field in fields(DeliveryMeasures) if field.name != "pauses"}


def marker(recording: str, suffix: str) -> Path:
    """RECORDINGS_DIR/USER/NAME -> RECORDINGS_DIR/../job-markers/NAME.SUFFIX"""
    folder = Path(recording).parents[2] / "job-markers"
    folder.mkdir(exist_ok=True)
    return folder / f"{Path(recording).name}.{suffix}"


def hang_or_deliver(path: str, modality: str, read_emotions: bool, progress=None) -> VoiceAnalysis:
    marker(path, "pid").write_text(str(os.getpid()))
    if marker(path, "hang").exists():
        spin_in_numpy_forever()
    return VoiceAnalysis(timeline=(), summary=None, delivery=DeliveryMeasures(**DELIVERY), model=None)


def spin_in_numpy_forever() -> None:
    import numpy as np

    matrix = np.random.default_rng(0).random((200, 200))
    while True:
        matrix = matrix @ matrix
        matrix /= np.linalg.norm(matrix)


def process_is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
