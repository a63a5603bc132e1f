"""Recorded answers end to end, over HTTP on 127.0.0.1, with the real models and job thread.

    .venv/bin/python -m bench.bench_recordings [--frames 40] [--seconds 45] [--runs 3]

Prints the live-overlay round trip per frame (a 320x240 JPEG posted to /api/live-frame and
its JSON answer read back; goal: median under 100 ms) and the time from upload to finished
report for a video answer of --seconds (a fixture clip looped to that length).
"""
import argparse
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import cv2
import requests
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from bench.timing import report
from interview.auth.services import create_user
from interview.questions import seed_question_bank
from tests.conftest import FIXTURES


def start_server(folder: Path) -> str:
    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}"})
    with app.app_context():
        upgrade()
        seed_question_bank()
        create_user("bench@example.com", "Bench", "bench password")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def signed_in(base: str) -> requests.Session:
    session = requests.Session()
    session.post(base + "/auth/login", data={"email": "bench@example.com", "password": "bench password"})
    return session


def live_frames(session, base: str, count: int) -> list[float]:
    capture = cv2.VideoCapture(str(FIXTURES / "av" / "timeline_1.webm"))
    jpegs = []
    while len(jpegs) < count and (frame := capture.read())[0]:
        jpegs.append(cv2.imencode(".jpg", cv2.resize(frame[1], (320, 240)), [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes())
    session.post(base + "/api/live-frame", files={"frame": ("f.jpg", jpegs[0], "image/jpeg")})  # model load
    times = []
    for jpeg in jpegs:
        start = time.perf_counter()
        response = session.post(base + "/api/live-frame", files={"frame": ("f.jpg", jpeg, "image/jpeg")})
        response.raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def looped_clip(folder: Path, seconds: float) -> Path:
    clip = folder / f"answer_{seconds:.0f}s.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(FIXTURES / "av" / "timeline_1.webm"),
                    "-t", str(seconds), "-c", "copy", str(clip)], check=True)
    return clip


def upload_to_report(session, base: str, clip: Path) -> float:
    start = time.perf_counter()
    with open(clip, "rb") as handle:
        created = session.post(base + "/api/attempts", data={"modality": "video", "question_id": "1"},
                               files={"recording": (clip.name, handle, "video/webm")})
    created.raise_for_status()
    status_url = base + created.json()["status_url"]
    while (state := session.get(status_url).json())["status"] not in ("complete", "failed"):
        time.sleep(0.1)
    if state["status"] == "failed":
        raise SystemExit(f"analysis failed: {state['error']}")
    session.get(base + created.json()["report_url"]).raise_for_status()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = start_server(Path(folder))
        session = signed_in(base)
        report("live overlay round trip per frame", live_frames(session, base, args.frames))
        clip = looped_clip(Path(folder), args.seconds)
        upload_to_report(session, base, clip)  # warm: first job loads the speech model too
        seconds = [upload_to_report(session, base, clip) for _ in range(args.runs)]
        print(f"{f'upload to report, {args.seconds:.0f} s video answer':<46} median {statistics.median(seconds):8.2f} s"
              f"   (min {min(seconds):.2f}, max {max(seconds):.2f}, runs {args.runs}); "
              f"{statistics.median(seconds) / args.seconds:.3f} of the answer's length")


if __name__ == "__main__":
    main()
