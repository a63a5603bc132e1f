"""The whole analysis of a video answer (faces, camera delivery, wheel, voice, transcript, and
face and voice fused), with and without the fused reading, side by side in one run.

    .venv/bin/python -m bench.bench_video_answer [--seconds 45] [--runs 3]

Prints the median seconds of each and their fraction of the answer's length (goal: at most
0.1 on 2 cores), runs alternating so machine noise hits both alike.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_recordings import looped_clip


class NoFusion:
    """The analysis as it was before the fused reading."""

    def read(self, face, voice):
        return None


def main() -> None:
    from emotion.video_answer import VideoAnswerAnalyzer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clip = looped_clip(Path(folder), args.seconds)
        analyzers = {"with fusion": VideoAnswerAnalyzer(), "without fusion": VideoAnswerAnalyzer(fusion=NoFusion())}
        analyzers["with fusion"].analyze(clip)   # warm up: every model loaded once
        times = {name: [] for name in analyzers}
        for _ in range(args.runs):
            for name, analyzer in analyzers.items():
                started = time.perf_counter()
                analyzer.analyze(clip)
                times[name].append(time.perf_counter() - started)
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:<16} median {median:6.2f} s  ({args.seconds:.0f} s answer: {median / args.seconds:.3f} of its length; "
              f"runs {', '.join(f'{t:.2f}' for t in measured)})")
    ratio = statistics.median(times["with fusion"]) / statistics.median(times["without fusion"])
    print(f"with / without fusion: {ratio:.3f}")


if __name__ == "__main__":
    main()
