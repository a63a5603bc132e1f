"""Command line: ``python -m emotion analyze PATH`` prints the analysis as JSON.

Images give every face with its box and probabilities. Videos give the facial-emotion
timeline and summary (with ``face_found_share``), the Plutchik ``wheel`` (timeline, intervals,
narrative), valence and arousal (``affect``), and what the camera saw (``gaze`` with
``camera_share`` and the look-away stretches, ``head``, ``blinks_per_minute``, ``framing``).
Audio files (an audio-only webm or mp4 too, and a video's sound track with ``--audio``) give the
vocal-emotion timeline, summary, delivery measures, the words and ``affect``. Exit status 2 with
a message on stderr for input that cannot be analysed.
"""
import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

from emotion import get_face_analyzer, get_voice_analyzer
from emotion.errors import AnalysisError, ModelUnavailable

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a"}


def analyze(path: Path, frames_per_second: float, sound_track: bool = False) -> dict:
    suffix = path.suffix.lower()
    if sound_track or suffix in AUDIO_SUFFIXES or is_audio_only(path):
        return audio_reading(path)
    analyzer = get_face_analyzer()
    if suffix in IMAGE_SUFFIXES:
        return {"kind": "image", **dataclasses.asdict(analyzer.analyze_image(path))}
    return video_reading(path, frames_per_second)


def video_reading(path: Path, frames_per_second: float) -> dict:
    """Faces and what the camera saw, in one pass: the facial-emotion timeline and summary
    (with ``face_found_share``), ``wheel`` (timeline, intervals, narrative), ``affect``
    (valence and arousal over time), ``gaze`` (``camera_share``, ``look_aways``), ``head``,
    ``blinks_per_minute``, ``framing`` and the camera's per-frame ``camera_timeline``."""
    from emotion.camera import CameraReader
    from emotion.wheel import wheel_of_faces

    camera, outputs = CameraReader(), []
    face = get_face_analyzer().analyze(path, frames_per_second, (camera,), outputs_out=outputs)
    summary = dataclasses.asdict(face.summary) | {"face_found_share": face.summary.face_share}
    seen = dataclasses.asdict(camera.result())
    return {"kind": "video", "timeline": dataclasses.asdict(face)["timeline"], "summary": summary,
            "wheel": dataclasses.asdict(wheel_of_faces(face.timeline, outputs[0])),
            "affect": {"timeline": [dataclasses.asdict(point) for point in face.affect]},
            "gaze": seen["gaze"], "head": seen["head"], "blinks_per_minute": seen["blinks_per_minute"],
            "framing": seen["framing"], "camera_timeline": seen["timeline"]}


def audio_reading(path: Path) -> dict:
    """The voice: emotion timeline, summary, delivery, words, and ``affect`` (valence and
    arousal over time)."""
    reading = dataclasses.asdict(get_voice_analyzer().analyze(path))
    return {"kind": "audio", **reading, "affect": {"timeline": reading["affect"]}}


def is_audio_only(path: Path) -> bool:
    """A video container with no picture: browsers record audio answers as .webm too."""
    from emotion.media import has_video_stream

    return path.suffix.lower() not in IMAGE_SUFFIXES and has_video_stream(path) is False


def positive_rate(text: str) -> float:
    """argparse type for --fps: 0 would divide by zero, a negative rate never advance."""
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(rate) and rate > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number of frames per second, not {text}")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emotion", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="analyse an image, a video or an audio recording")
    analyze_parser.add_argument("path", type=Path)
    analyze_parser.add_argument("--fps", type=positive_rate, default=5.0, help="video frames sampled per second")
    analyze_parser.add_argument("--audio", action="store_true", help="analyse a video's sound track instead of its faces")
    args = parser.parse_args(argv)

    if not args.path.exists():
        print(f"error: no such file: {args.path}", file=sys.stderr)
        return 2
    try:
        print(json.dumps(analyze(args.path, args.fps, args.audio)))
    except AnalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ModelUnavailable as error:
        print(f"error: model unavailable: {error}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
