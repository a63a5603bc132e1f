"""Speech-to-text speed, and what it adds to the whole audio job, side by side in one run.

    .venv/bin/python -m bench.bench_transcript [--runs 3] [--folder ASR_FOLDER]

Prints the model load time; the transcription time per second of audio (median over the
folder's clips, one run each, goal <= 0.15); and for a few clips of different lengths the
voice job before (``get_voice_analyzer().analyze``: decode, delivery, emotion timeline) and
after (the words read too), medians and their ratio. The analyzer reads the words itself
(``read_words``): before is ``analyze(path, read_words=False)``, after ``analyze(path)``, which
also runs the Big Five reading of the words when there are enough. An analyzer without
``read_words`` is timed alone and then plus ``get_transcriber().transcribe`` of the same samples.
"""
import argparse
import inspect
import os
import statistics
import time
from pathlib import Path

from bench.timing import timed_ms
from emotion import get_voice_analyzer
from emotion.audio import SAMPLE_RATE, load_audio
from emotion.delivery import contours
from emotion.transcribe import get_transcriber
from tests.conftest import DATASETS

JOB_CLIPS = ("clips/cmuarctic_a0024.wav", "clips/librispeech_2412-153948-0000.wav", "clips/mfa_acoustic_corpus.wav")


def transcription_per_audio_second(folder: Path) -> list[float]:
    transcriber = get_transcriber()
    ratios = []
    for path in sorted((folder / "clips").glob("*.wav")):
        samples = load_audio(path)
        start = time.perf_counter()
        transcriber.transcribe(samples)
        ratios.append((time.perf_counter() - start) / (len(samples) / SAMPLE_RATE))
    return ratios


def analyzer_transcribes() -> bool:
    """Whether the voice analyzer reads the words itself (and can be told not to)."""
    return "read_words" in inspect.signature(get_voice_analyzer().analyze).parameters


def job_before_after(path: Path, runs: int, built_in: bool) -> None:
    voice, transcriber = get_voice_analyzer(), get_transcriber()
    samples = load_audio(path)
    sound = contours(samples)
    seconds = len(samples) / SAMPLE_RATE
    if built_in:
        before = timed_ms(lambda: voice.analyze(path, read_words=False), runs)
        after = timed_ms(lambda: voice.analyze(path), runs)
    else:
        before = timed_ms(lambda: voice.analyze(path), runs)
        after = timed_ms(lambda: (voice.analyze(path), transcriber.transcribe(samples, sound=sound)), runs)
    b, a = statistics.median(before), statistics.median(after)
    print(f"{path.name[:34]:<34} {seconds:5.1f} s  before {b:7.0f} ms ({b / 1000 / seconds:.3f} x)"
          f"  after {a:7.0f} ms ({a / 1000 / seconds:.3f} x)  ratio {a / b:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=DATASETS / "asr")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    transcriber = get_transcriber()
    start = time.perf_counter()
    transcriber._model.get()
    print(f"model load ({transcriber.recogniser}): {(time.perf_counter() - start) * 1000:.0f} ms")
    transcriber.transcribe(load_audio(args.folder / JOB_CLIPS[0]))      # warm-up

    ratios = transcription_per_audio_second(args.folder)
    print(f"transcription per second of audio: median {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}, clips {len(ratios)})")

    built_in = analyzer_transcribes()
    get_voice_analyzer().analyze(args.folder / JOB_CLIPS[-1])    # warm-up: loads the models the words need
    print("voice job: " + ("before = analyze(path, read_words=False), after = analyze(path) (words read inside)"
                           if built_in else "before = analyze(path), after = analyze(path) + transcribe(samples)")
          + f"; medians of {args.runs} runs")
    for name in JOB_CLIPS:
        job_before_after(args.folder / name, args.runs, built_in)


if __name__ == "__main__":
    main()
