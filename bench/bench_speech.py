"""Speech-engine speed on this machine, measured side by side in one run.

    .venv/bin/python -m bench.bench_speech [--runs 5] [--audio PATH] [--against MODEL_DIR]

Prints the model load time and medians of: decoding, delivery measures, the emotion timeline,
and the whole voice entry point ``get_voice_analyzer().analyze`` (decode + delivery + timeline), each also as a fraction of
the audio's length (goal <= 0.05 once the model is loaded). Default input: the 21 s fixture
``av/timeline_1.webm`` and the same sound repeated to 63 s. ``--against`` times the emotion
timeline of another speech model folder (e.g. an earlier model.json + linear.npz, from
``git show``) alternately with the shipped one, and prints the ratio of the medians.
"""
import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from bench.timing import timed_ms
from emotion.audio import SAMPLE_RATE, load_audio
from emotion.delivery import contours, measure_delivery
from emotion import get_voice_analyzer
from emotion.speech import SpeechAnalyzer, get_speech_analyzer
from tests.conftest import FIXTURES


def report(name: str, times: list[float], seconds: float) -> None:
    median = statistics.median(times)
    print(f"{name:<44} median {median:8.1f} ms  = {median / 1000 / seconds:.4f} x audio length"
          f"   (min {min(times):.1f}, max {max(times):.1f}, runs {len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--audio", type=Path, default=FIXTURES / "av" / "timeline_1.webm")
    parser.add_argument("--against", type=Path, help="another speech model folder, timed beside the shipped one")
    args = parser.parse_args()

    analyzer = get_speech_analyzer()
    start = time.perf_counter()
    analyzer.model  # noqa: B018 - loads the model
    print(f"{'model load (' + analyzer.model_name + ')':<44} {(time.perf_counter() - start) * 1000:8.0f} ms")

    samples = load_audio(args.audio)
    analyzer.analyze_audio(samples)  # warm-up: first calls pay for imports and tracing
    for label, audio in (("", samples), (" (x3)", np.tile(samples, 3))):
        seconds = len(audio) / SAMPLE_RATE
        print(f"-- {args.audio.name}{label}: {seconds:.1f} s of audio")
        report("delivery measures", timed_ms(lambda: measure_delivery(audio), args.runs), seconds)
        report("emotion timeline (3 s windows, 1 s hop)",
               timed_ms(lambda: analyzer.analyze_audio(audio, sound_contours=contours(audio)), args.runs), seconds)
    seconds = len(samples) / SAMPLE_RATE
    report(f"decode {args.audio.suffix} (ffmpeg for webm/mp4)", timed_ms(lambda: load_audio(args.audio), args.runs), seconds)
    voice = get_voice_analyzer()
    report("voice analyze (decode+delivery+timeline)",
           timed_ms(lambda: voice.analyze(args.audio, read_words=False), args.runs), seconds)
    report("voice analyze with the words (+transcript)", timed_ms(lambda: voice.analyze(args.audio), args.runs), seconds)
    if args.against:
        side_by_side(analyzer, SpeechAnalyzer(args.against), np.tile(samples, 3), args.runs)


def side_by_side(shipped, other, audio: np.ndarray, runs: int) -> None:
    """The emotion timeline of both models on the same audio, runs alternating."""
    sound = contours(audio)
    other.analyze_audio(audio, sound_contours=sound)   # warm-up
    times = {"shipped": [], "other": []}
    for _ in range(runs):
        for name, analyzer in (("shipped", shipped), ("other", other)):
            started = time.perf_counter()
            analyzer.analyze_audio(audio, sound_contours=sound)
            times[name].append((time.perf_counter() - started) * 1000)
    seconds = len(audio) / SAMPLE_RATE
    print(f"-- side by side, emotion timeline of {seconds:.1f} s, runs alternating")
    report(f"shipped ({shipped.model_name})", times["shipped"], seconds)
    report(f"against ({other.model_name})", times["other"], seconds)
    print(f"shipped / against: {statistics.median(times['shipped']) / statistics.median(times['other']):.2f}")


if __name__ == "__main__":
    main()
