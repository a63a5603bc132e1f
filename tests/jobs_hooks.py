"""Test-only stand-ins for :func:`interview.runner.analyze_recording`, importable by a spawned
child or a queue worker (``ANALYSIS_FUNCTION`` / ``POISE_ANALYSIS_FUNCTION``).

A recording with a ``.hang`` file beside it spins in numpy forever, as the stuck jobs of issue
15 did; any other gets a real (delivery-only) voice result. Each writes its pid beside the
recording, so a test can check which process ran it and that a killed one is gone."""
import os
from pathlib import Path

from emotion.base import VoiceAnalysis
from emotion.speech_types import DeliveryMeasures
from tests.test_results import DELIVERY


def hang_or_deliver(path: str, modality: str, read_emotions: bool, progress=None) -> VoiceAnalysis:
    Path(path + ".pid").write_text(str(os.getpid()))
    if Path(path + ".hang").exists():
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
