"""Faults on the production server: what happens, with timings.

    .venv/bin/python -m bench.bench_faults [--only worker,upload,servers] [--clip-seconds 60]

(a) worker: a worker killed with SIGKILL mid-analysis, on both set-ups at once: a `flask jobs
    worker` queue worker (PostgreSQL + Redis; a replacement worker is started at once, as a
    supervisor would), and a gunicorn web worker whose job thread runs the analysis (SQLite;
    gunicorn's master starts a new worker). Prints whether the killed worker's analysis child
    exited or keeps a CPU (/proc: its session's processes and their CPU time), whether the answer
    is kept (report page, recording), and how long until the job finishes or fails, and how.
(b) upload: gunicorn (SQLite) stopped with SIGTERM, then with SIGKILL, while 8 clients upload
    in a loop; counts recording files (kept and temporary ``.part``) with and without an answer
    row, before and after the restart (the start-up sweep).
(c) servers: Redis, then PostgreSQL, restarted under load (readers of /history, uploads, queue
    workers busy): errors and how long pages take to answer again, uploads while Redis is down,
    and whether every job then finishes. Redis runs without persistence here, so its restart
    loses every queued message (the hard case; scripts/scale.sh keeps an append-only file).
"""
import argparse
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.stack import CLIPS, Client, Stack, session_processes

TIMELINE = next(clip for clip in CLIPS if clip.name == "timeline_1.webm")


def say(text: str) -> None:
    print(text, flush=True)


def looped_clip(seconds: float) -> Path:
    clip = Path(tempfile.gettempdir()) / f"poise_bench_answer_{seconds:.0f}s.webm"
    if not clip.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(TIMELINE), "-t", str(seconds),
                        "-c", "copy", str(clip)], check=True)
    return clip


def wait_status(user: Client, attempt_id: int, wanted: set[str], seconds: float) -> tuple[dict, float]:
    started = time.monotonic()
    state = {}
    while time.monotonic() - started < seconds:
        try:
            state = user.status(attempt_id)
            if state["status"] in wanted:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return state, time.monotonic() - started


def children_of(pid: int, sid: int) -> list[tuple[int, str, float]]:
    out = []
    for child, command, cpu in session_processes(sid):
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out.append((child, command, cpu))
        except (OSError, ValueError):
            pass
    return out


def cpu_of(pids: list[int]) -> dict[int, float]:
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                out[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError):
            pass
    return out


def killed_worker(kind: str, clip: Path, lines: list[str]) -> None:
    """(a) on one set-up; appends its findings to ``lines``."""
    stack = Stack(kind, web_workers=2, queue_workers=1 if kind == "postgres" else 0)
    try:
        stack.start()
        user = Client(stack.base, "fault@example.com")
        user.consent("video")
        created = user.upload(clip).json()
        attempt_id = created["id"]
        wait_status(user, attempt_id, {"running"}, 120)
        time.sleep(8)  # well into the analysis (the child has its models by now)
        state = user.status(attempt_id)
        if kind == "postgres":
            victim = stack.workers[0].pid
            sid = victim
        else:  # the gunicorn worker that owns a busy analysis child
            sid = stack.web.pid
            owners = [p for p, c, _ in session_processes(sid) if p != sid and children_of(p, sid)]
            victim = owners[0] if owners else None
        children = children_of(victim, sid) if victim else []
        label = "queue worker" if kind == "postgres" else "gunicorn web worker (job thread)"
        lines.append(f"  [{kind}] {label} {victim} killed with SIGKILL at {state['status']} {state['progress']} %; "
                     f"its analysis children: {[c for c, _, _ in children]}")
        if victim is None:
            return
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        if kind == "postgres":
            stack.start_queue_worker()  # as systemd's Restart=always would
        pids = [c for c, _, _ in children]
        while cpu_of(pids) and time.monotonic() - killed_at < 10:
            time.sleep(0.1)
        left = cpu_of(pids)
        if left:
            before = left
            time.sleep(3)
            after = cpu_of(pids)
            spin = {p: after[p] - before[p] for p in after if p in before}
            lines.append(f"  [{kind}] analysis children still alive 10 s after the kill: {left}; CPU s in 3 s: {spin}")
        else:
            lines.append(f"  [{kind}] its analysis child exited {time.monotonic() - killed_at:.1f} s after the kill")
        state, _ = wait_status(user, attempt_id, {"complete", "failed"}, 330)
        report = user.http.get(stack.base + created["report_url"], timeout=30).status_code
        recording = user.http.get(f"{stack.base}/attempts/{attempt_id}/recording", timeout=30).status_code
        lines.append(f"  [{kind}] job {state.get('status')} {time.monotonic() - killed_at:.0f} s after "
                     f"the kill (error: {state.get('error')!r}); report page {report}, recording {recording}")
    except Exception as error:  # report it and go on with the other faults
        lines.append(f"  [{kind}] bench error: {type(error).__name__}: {error}")
    finally:
        stack.close()


def fault_worker(args) -> None:
    say("\n(a) a worker killed (SIGKILL) mid-analysis, " f"{args.clip_seconds:.0f} s video answer")
    clip = looped_clip(args.clip_seconds)
    lines: list[str] = []
    threads = [threading.Thread(target=killed_worker, args=(kind, clip, lines)) for kind in ("postgres", "sqlite")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for line in sorted(lines, key=lambda line: line[:12]):
        say(line)


def store_counts(stack: Stack) -> dict:
    rows = set()
    with sqlite3.connect(stack.env["POISE_DATABASE_URL"].removeprefix("sqlite:///")) as db:
        rows = {r for (r,) in db.execute("SELECT recording_path FROM attempt WHERE recording_path IS NOT NULL")}
    files = [p.relative_to(stack.recordings).as_posix() for p in stack.recordings.rglob("*") if p.is_file()]
    kept = [f for f in files if ".part" not in Path(f).suffixes]
    parts = [f for f in files if ".part" in Path(f).suffixes]
    return {"rows": len(rows), "kept files": len(kept), "kept without row": len([f for f in kept if f not in rows]),
            "temporary": len(parts),
            "rows without file": len([r for r in rows if r not in kept])}


def fault_upload(args) -> None:
    say("\n(b) the server stopped mid-upload (SQLite, 2 web workers, 8 clients uploading in a loop)")
    stack = Stack("sqlite", web_workers=2, jobs=False)
    clip = looped_clip(args.clip_seconds)
    try:
        stack.start()
        users = [Client(stack.base, f"up{i}@example.com") for i in range(8)]
        for user in users:
            user.consent("video")
        for how in (signal.SIGTERM, signal.SIGKILL):
            stop = threading.Event()
            answered = {"201": 0, "other": 0, "failed": 0}

            def uploader(user: Client) -> None:
                while not stop.is_set():
                    try:
                        code = user.upload(clip, timeout=40).status_code
                        answered["201" if code == 201 else "other"] += 1
                    except requests.RequestException:
                        answered["failed"] += 1
                        time.sleep(0.2)

            threads = [threading.Thread(target=uploader, args=(u,), daemon=True) for u in users]
            for thread in threads:
                thread.start()
            time.sleep(3)
            stopped_at = time.monotonic()
            if how == signal.SIGTERM:
                os.kill(stack.web.pid, signal.SIGTERM)  # the master: graceful stop of its workers
            else:
                os.killpg(stack.web.pid, signal.SIGKILL)  # master and workers at once
            stack.web.wait()
            stop_took = time.monotonic() - stopped_at
            stop.set()
            for thread in threads:
                thread.join(45)
            before = store_counts(stack)
            start_took = stack.start_web()
            time.sleep(1)
            after = store_counts(stack)
            say(f"  {how.name}: server gone after {stop_took:.1f} s; uploads answered {answered}")
            say(f"    files before the restart: {before}")
            say(f"    after the restart ({start_took:.1f} s to answer, start-up sweep): {after}")
        say("    (the sweep keeps a temporary .part file for an hour: it may be an upload another worker is still"
            " writing; `flask recordings sweep` removes older ones)")
    finally:
        stack.close()


class ServerFaults:
    """Readers and uploads against a PostgreSQL + Redis stack while its servers restart."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.users = [Client(stack.base, f"srv{i}@example.com") for i in range(4)]
        for user in self.users:
            user.consent("video")
        self.stop = threading.Event()
        self.log: list[tuple[float, bool, str]] = []  # (time answered, ok, what)
        self.attempts: list[tuple[Client, int]] = []
        self.upload_results: list[str] = []

    def reader(self, user: Client) -> None:
        while not self.stop.is_set():
            try:  # logged when the answer comes (a page started before a restart may fail in it)
                code = user.http.get(self.stack.base + "/history", timeout=30).status_code
                self.log.append((time.monotonic(), code < 400, str(code)))
            except requests.RequestException as error:
                self.log.append((time.monotonic(), False, type(error).__name__))
            time.sleep(0.05)

    def upload_all(self, label: str) -> None:
        for i, user in enumerate(self.users):
            try:
                response = user.upload(CLIPS[i % len(CLIPS)], timeout=60)
                self.upload_results.append(f"{label}:{response.status_code}")
                if response.status_code == 201:
                    self.attempts.append((user, response.json()["id"]))
            except requests.RequestException as error:
                self.upload_results.append(f"{label}:{type(error).__name__}")

    def window(self, start: float, end: float, back: float) -> str:
        inside = [entry for entry in self.log if start <= entry[0] < end]
        bad = [entry[2] for entry in inside if not entry[1]]
        first_ok = next((t for t, ok, _ in sorted(self.log) if t >= back and ok), None)
        return (f"{len(inside)} page loads answered, {len(bad)} errors {sorted(set(bad))}; first good page "
                f"{(first_ok - back) if first_ok else float('nan'):.2f} s after it was back")

    def job_states(self, began: float, since: float, wait: float) -> dict:
        done_at = {}
        while time.monotonic() - since < wait:
            for user, attempt_id in self.attempts:
                if attempt_id not in done_at:
                    state = user.status(attempt_id)
                    if state["status"] in ("complete", "failed"):
                        done_at[attempt_id] = (state["status"], time.monotonic() - began)
            if len(done_at) == len(self.attempts):
                break
            time.sleep(1)
        return {attempt_id: done_at.get(attempt_id) or (user.status(attempt_id)["status"], None)
                for user, attempt_id in self.attempts}


def fault_servers(args) -> None:
    say("\n(c) Redis, then PostgreSQL, restarted under load (2 web workers, 2 queue workers, 8 readers)")
    stack = Stack("postgres", web_workers=2, queue_workers=2)
    try:
        stack.start()
        run = ServerFaults(stack)
        for i in range(8):
            threading.Thread(target=run.reader, args=(run.users[i % 4],), daemon=True).start()
        run.upload_all("before")
        time.sleep(2)
        began = time.monotonic()
        stack.stop_redis()
        run.upload_all("redis down")
        time.sleep(3)
        stack.start_redis()
        redis_back = time.monotonic()
        time.sleep(10)
        pg_began = time.monotonic()
        stack.restart_postgres()
        pg_back = time.monotonic()
        run.upload_all("after")
        time.sleep(5)
        say(f"  Redis down {redis_back - began:.1f} s (no persistence: queued messages lost): "
            f"{run.window(began, pg_began, redis_back)}")
        say(f"  PostgreSQL restart (pg_ctl -m fast restart, {pg_back - pg_began:.1f} s): "
            f"{run.window(pg_began, pg_back + 5, pg_back)}")
        say(f"  uploads: {run.upload_results}")
        states = run.job_states(began, pg_back, args.wait)
        run.stop.set()
        say("  jobs (id: status, s after Redis went down): "
            + ", ".join(f"{a}: {s}{'' if t is None else f' {t:.0f}'}" for a, (s, t) in sorted(states.items())))
        late = [entry for entry in run.log if entry[0] >= pg_back + 5 and not entry[1]]
        say(f"  page errors after both were back: {len(late)} of {len([e for e in run.log if e[0] >= pg_back + 5])}")
    finally:
        stack.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="worker,upload,servers")
    parser.add_argument("--clip-seconds", type=float, default=45)
    parser.add_argument("--wait", type=float, default=240, help="(c): how long to wait for the jobs after")
    args = parser.parse_args()
    for name in args.only.split(","):
        started = time.monotonic()
        {"worker": fault_worker, "upload": fault_upload, "servers": fault_servers}[name](args)
        say(f"  ({name}: {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
