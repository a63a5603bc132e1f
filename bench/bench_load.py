"""Load: concurrent video uploads and readers of reports and history, on the production server.

    .venv/bin/python -m bench.bench_load [--uploads 20] [--readers 50] [--web-workers 4] [--queue-workers 2]
                                         [--setups sqlite,postgres]

For each set-up, side by side in one run: gunicorn (gunicorn.conf.py, POISE_WORKERS web workers,
models not warmed: the analysis children load them on their first job) on a free port with a
temporary instance folder, database and recordings folder; then
- sqlite: SQLite, analyses on each web process's job thread (the one-machine default);
- postgres: a throwaway PostgreSQL and Redis (scripts/servers.sh), analyses on `flask jobs
  worker` queue workers.
One user per upload signs up (rate limits off: POISE_RATELIMIT=0) and gives video consent; all
uploads (the fixture clips, round robin) are sent at once, while --readers threads, each signed
in as one of those users, read /history and that user's report in a loop until every analysis
is done. Prints errors (any status >= 400 or a failed request), upload and reader latency
(median, p95) and the time from the first upload until every analysis is complete or failed.
"""
import argparse
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.stack import CLIPS, Client, Stack, percentile

POLL_SECONDS = 1.0


class LoadRun:
    """One set-up under load: its uploads, its readers, and the wait for every analysis."""

    def __init__(self, stack: Stack, users: list, args):
        self.stack, self.users, self.args = stack, users, args
        self.errors: list[str] = []
        self.reader_ms: list[float] = []
        self.upload_ms: list[float] = []
        self.attempts: list[tuple[Client, int]] = []
        self.reports: dict[int, str] = {}
        self.done = threading.Event()
        self.lock = threading.Lock()

    def note_error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def upload(self, index: int) -> None:
        user, clip = self.users[index], CLIPS[index % len(CLIPS)]
        started = time.perf_counter()
        try:
            response = user.upload(clip)
        except requests.RequestException as error:
            return self.note_error(f"upload: {type(error).__name__}: {str(error)[-70:]}")
        with self.lock:
            self.upload_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            return self.note_error(f"upload: {response.status_code}")
        body = response.json()
        with self.lock:
            self.attempts.append((user, body["id"] if "id" in body else int(body["status_url"].rsplit("/", 1)[1])))
            self.reports[index] = body["report_url"]

    def reader(self, index: int) -> None:
        # Each reader signs in on its own (its own session), as one of the uploading users.
        owner = index % len(self.users)
        user = Client(self.stack.base, f"load{owner}@example.com", signup=False)
        for path in itertools.cycle(["/history", "report"]):
            if self.done.is_set():
                return
            if path == "report":
                path = self.reports.get(owner)
                if path is None:
                    continue
            self.read(user, path)

    def read(self, user, path: str) -> None:
        started = time.perf_counter()
        try:
            response = user.http.get(self.stack.base + path, timeout=60)
        except requests.RequestException as error:
            return self.note_error(f"read {path}: {type(error).__name__}: {str(error)[-70:]}")
        with self.lock:
            self.reader_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            self.note_error(f"read {path}: {response.status_code}")

    def wait_for_analyses(self, started: float) -> dict[int, str]:
        states: dict[int, str] = {}
        while time.monotonic() - started < self.args.max_wait:
            for user, attempt_id in self.attempts:
                if states.get(attempt_id) in ("complete", "failed"):
                    continue
                try:
                    states[attempt_id] = user.status(attempt_id)["status"]
                except requests.RequestException as error:
                    self.note_error(f"status: {type(error).__name__}: {str(error)[-70:]}")
            if all(states.get(a) in ("complete", "failed") for _, a in self.attempts):
                break
            time.sleep(POLL_SECONDS)
        return states

    def result(self, kind: str, uploaded: float, all_done: float, states: dict[int, str]) -> dict:
        finished = sum(s in ("complete", "failed") for s in states.values())
        return {"kind": kind, "errors": self.errors, "reader_ms": self.reader_ms, "upload_ms": self.upload_ms,
                "uploaded_s": uploaded, "done_s": all_done,
                "complete": sum(s == "complete" for s in states.values()),
                "failed": sum(s == "failed" for s in states.values()),
                "unfinished": len(self.attempts) - finished}


def run(kind: str, args) -> dict:
    stack = Stack(kind, args.web_workers, args.queue_workers if kind == "postgres" else 0)
    try:
        stack.start()
        with ThreadPoolExecutor(8) as pool:
            users = list(pool.map(lambda i: Client(stack.base, f"load{i}@example.com"), range(args.uploads)))
        for user in users:
            user.consent("video")
        load = LoadRun(stack, users, args)
        readers = [threading.Thread(target=load.reader, args=(i,), daemon=True) for i in range(args.readers)]
        for thread in readers:
            thread.start()
        started = time.monotonic()
        with ThreadPoolExecutor(args.uploads) as pool:
            list(pool.map(load.upload, range(args.uploads)))
        uploaded = time.monotonic() - started
        states = load.wait_for_analyses(started)
        all_done = time.monotonic() - started
        load.done.set()
        for thread in readers:
            thread.join(65)
        return load.result(kind, uploaded, all_done, states)
    finally:
        stack.close()


def show(result: dict, args) -> None:
    label = ("SQLite, job threads in the web workers" if result["kind"] == "sqlite"
             else f"PostgreSQL + Redis, {args.queue_workers} queue workers")
    print(f"\n{label} ({args.web_workers} web workers, {args.uploads} uploads, {args.readers} readers)")
    errors = result["errors"]
    kinds = {e: errors.count(e) for e in sorted(set(errors))}
    print(f"  errors                       {len(errors)}  {kinds if kinds else ''}")
    print(f"  upload answer (201)          median {percentile(result['upload_ms'], .5):7.0f} ms   "
          f"p95 {percentile(result['upload_ms'], .95):7.0f} ms   all {args.uploads} sent in {result['uploaded_s']:.1f} s")
    print(f"  reader request (history, report)  median {percentile(result['reader_ms'], .5):7.0f} ms   "
          f"p95 {percentile(result['reader_ms'], .95):7.0f} ms   ({len(result['reader_ms'])} requests)")
    print(f"  every analysis done after    {result['done_s']:.1f} s   (complete {result['complete']}, "
          f"failed {result['failed']}, unfinished {result['unfinished']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--queue-workers", type=int, default=2)
    parser.add_argument("--setups", default="sqlite,postgres")
    parser.add_argument("--max-wait", type=float, default=900, help="give up waiting for analyses after this")
    args = parser.parse_args()
    for kind in args.setups.split(","):
        show(run(kind, args), args)


if __name__ == "__main__":
    main()
