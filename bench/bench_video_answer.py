"""The whole analysis of a video answer (faces, camera delivery, wheel, voice, transcript, and
face and voice fused), as shipped (the voice read in a second thread beside the faces), with
faces, then voice, and as shipped but with the recogniser re-reading the answer's last
fraction of a second alone (as before issue 19's second session), as shipped but with the
served face network alone over the face and its mirror image (before the ensemble: as the live
overlay reads faces), and as shipped but with every network over the face and its mirror image
only (before the ensemble's 4 views, emotion.face_network.WARPS: until 2026-12-01), and as
shipped but over 10 views (all of training.face_views's candidate warps), and as shipped but
with the extra views and members read in the faces' own thread, side by side in one run.

    .venv/bin/python -m bench.bench_video_answer [--seconds 45] [--runs 3] [--sound speech|looped] [--only WORDS ...]

Prints the median seconds of each and their fraction of the answer's length (goal: at most
0.1 on 2 cores), runs alternating so machine noise hits them alike.

The answer: the fixture video ``av/timeline_1.webm`` looped to the length, with as its sound
``speech`` (the default: real continuous English speech, the ``asr/`` monologues joined, as an
interview answer is) or ``looped`` (the clip's own sound looped: six acted RAVDESS sentences
over and over, on which the recogniser loops and decodes its windows again, ~3x its cost on
real speech; the figure the previous sessions quoted).
"""
import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_recordings import looped_clip
from tests.conftest import DATASETS, FIXTURES

MONOLOGUES = ("mfa_acoustic_corpus.wav", "mfa_cold_corpus.wav")


def spoken_answer_clip(folder: Path, seconds: float) -> Path:
    """The fixture video looped to ``seconds`` with real speech as its sound (Opus in WebM, as
    browsers record)."""
    import soundfile as sf

    from emotion.audio import SAMPLE_RATE, load_audio

    pause = np.zeros(SAMPLE_RATE // 2, np.float32)
    pieces = [piece for name in MONOLOGUES for piece in (load_audio(DATASETS / "asr" / "clips" / name), pause)]
    speech = np.concatenate(pieces * int(np.ceil(seconds / (sum(map(len, pieces)) / SAMPLE_RATE))))
    sf.write(folder / "speech.wav", speech[: int(seconds * SAMPLE_RATE)], SAMPLE_RATE)
    clip = folder / f"spoken_answer_{seconds:.0f}s.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(FIXTURES / "av" / "timeline_1.webm"),
                    "-i", str(folder / "speech.wav"), "-map", "0:v", "-map", "1:a", "-t", str(seconds),
                    "-c:v", "copy", "-c:a", "libopus", str(clip)], check=True, timeout=120)
    return clip


class TailReReadingTranscriber:
    """The shipped recogniser, decoding the tail after the last window again (the old way)."""

    def __init__(self, transcriber):
        self.transcriber = transcriber

    def transcribe(self, samples, **options):
        return self.transcriber.transcribe(samples, re_read_tail=True, **options)


def main() -> None:
    from emotion.face import FaceAnalyzer
    from emotion.spoken import SpokenWordsReader
    from emotion.transcribe import get_transcriber
    from emotion.video_answer import VideoAnswerAnalyzer
    from emotion.voice import VoiceAnalyzer
    from training.face_views import CANDIDATES

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sound", choices=("speech", "looped"), default="speech")
    parser.add_argument("--only", nargs="+", metavar="WORDS",
                        help="time only the variants whose names hold one of these (the first one as shipped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        make = spoken_answer_clip if args.sound == "speech" else looped_clip
        clip = make(Path(folder), args.seconds)
        analyzers = {"as shipped (voice beside faces)": VideoAnswerAnalyzer(),
                     "faces, then voice": VideoAnswerAnalyzer(concurrent=False),
                     "as shipped, tail re-read": VideoAnswerAnalyzer(voices=VoiceAnalyzer(
                         words_reader=SpokenWordsReader(TailReReadingTranscriber(get_transcriber())))),
                     "as shipped, one face network": VideoAnswerAnalyzer(faces=FaceAnalyzer(ensemble=False)),
                     "as shipped, mirrored views only": VideoAnswerAnalyzer(faces=FaceAnalyzer(warps=())),
                     "as shipped, 10 views": VideoAnswerAnalyzer(faces=FaceAnalyzer(warps=tuple(CANDIDATES.values()))),
                     "as shipped, views in one thread": VideoAnswerAnalyzer(faces=FaceAnalyzer(parallel=False))}
        if args.only:
            shipped = next(iter(analyzers))
            analyzers = {name: analyzer for name, analyzer in analyzers.items()
                         if name == shipped or any(word in name for word in args.only)}
        warmed = [analyzer.analyze(clip) for analyzer in analyzers.values()]   # each loads its own models once
        words = len(warmed[0].voice.words.transcript.words)
        times = {name: [] for name in analyzers}
        for _ in range(args.runs):
            for name, analyzer in analyzers.items():
                started = time.perf_counter()
                analyzer.analyze(clip)
                times[name].append(time.perf_counter() - started)
    print(f"{args.seconds:.0f} s answer, sound: {args.sound} ({words} words heard); medians of {args.runs}, alternating")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:<32} median {median:6.2f} s = {median / args.seconds:.3f} of its length "
              f"(runs {', '.join(f'{t:.2f}' for t in measured)})")
    shipped, *others = list(times)
    for other in others:
        ratio = statistics.median(times[shipped]) / statistics.median(times[other])
        print(f"{shipped} / {other}: {ratio:.3f}")


if __name__ == "__main__":
    main()
