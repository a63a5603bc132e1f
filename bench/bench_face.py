"""Facial-emotion speed on this machine, measured side by side in one run.

    .venv/bin/python -m bench.bench_face [--runs 20] [--video PATH]

Prints medians of: per-face inference at batch 1 and 64, face detection per 640x480 frame,
single-frame analysis of a 320x240 JPEG (the live overlay), and whole-video analysis as a
fraction of the video's length at 5 sampled frames per second.
"""
import argparse
import time
from pathlib import Path

import numpy as np

from bench.timing import report, timed_ms
from emotion.face import get_face_analyzer
from emotion.media import sample_video_frames
from tests.conftest import FIXTURES


def main() -> None:
    import cv2

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--video", type=Path, nargs="+",
                        default=[FIXTURES / "av" / "timeline_1.webm", FIXTURES / "video" / "woman2.mp4"])
    args = parser.parse_args()

    analyzer = get_face_analyzer()
    start = time.perf_counter()
    analyzer.model  # noqa: B018 - loads the network
    print(f"{'model load':<46} {(time.perf_counter() - start) * 1000:8.0f} ms")

    frames = [gray for _, gray in sample_video_frames(args.video[0], 5.0)]
    faces = np.stack([crop for crop in analyzer.detector.largest_faces(frames[:64]) if crop is not None])
    batch64 = np.resize(faces, (64, 48, 48))
    analyzer.model.predict(batch64[:1]), analyzer.model.predict(batch64)  # warm both shapes
    report("per-face inference, batch 1", timed_ms(lambda: analyzer.model.predict(batch64[:1]), args.runs))
    report("per-face inference, batch 64 (per face)", timed_ms(lambda: analyzer.model.predict(batch64), args.runs), per=64)

    frame = cv2.resize(frames[0], (640, 480))
    report("face detection, 640x480 frame", timed_ms(lambda: analyzer.detector.detect(frame), args.runs))

    with_face = next(gray for gray in frames if analyzer.detector.detect(cv2.resize(gray, (320, 240))))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(cv2.resize(with_face, (320, 240)), cv2.COLOR_GRAY2BGR))
    jpeg_bytes = jpeg.tobytes()
    report("live frame: 320x240 JPEG with a face -> emotions", timed_ms(lambda: analyzer.analyze_image(jpeg_bytes), args.runs))

    for video in args.video:
        duration = analyzer.analyze_video(video).summary.duration_seconds
        video_runs = max(3, args.runs // 4)
        video_ms = report(f"{video.name} ({duration:.1f} s) at 5 fps", timed_ms(lambda: analyzer.analyze_video(video), video_runs))
        print(f"{'  fraction of its length':<46} {video_ms / 1000 / duration:8.3f}")


if __name__ == "__main__":
    main()
