"""A throwaway Poise stack started as in production, for the load and fault benches.

gunicorn -c gunicorn.conf.py "app:create_app()" on a free port with a temporary instance folder
and recordings folder, on SQLite (analyses on each web process's job thread) or on PostgreSQL +
Redis (scripts/servers.sh) with `flask jobs worker` queue workers. Each process is started in a
session of its own, so it and its analysis children can be found in /proc and stopped together.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
CLIPS = sorted((ROOT.parent / "shared" / "datasets" / "fixtures" / "av").glob("*.webm"))
PASSWORD = "bench password 123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sh(script: str) -> str:
    return subprocess.run(["bash", "-c", script], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def session_processes(sid: int) -> list[tuple[int, str, float]]:
    """(pid, command, CPU seconds) of every live process in session ``sid``, from /proc."""
    found = []
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z" or int(fields[3]) != sid:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:90]
            found.append((int(entry.name), command, (int(fields[11]) + int(fields[12])) / tick))
        except (OSError, ValueError):
            continue
    return found


def stop_session(process: subprocess.Popen, grace: float = 20) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and session_processes(process.pid):
        time.sleep(0.2)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class Stack:
    def __init__(self, kind: str, web_workers: int, queue_workers: int = 0, jobs: bool = True):
        assert kind in ("sqlite", "postgres")
        self.kind = kind
        self.folder = Path(tempfile.mkdtemp(prefix=f"poise-bench-{kind}-"))
        os.chmod(self.folder, 0o755)  # as root, the postgres user must reach its cluster
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.recordings = self.folder / "recordings"
        self.factory = f"app:create_app({{'INSTANCE_PATH': {str(self.folder / 'instance')!r}}})"
        self.env = {**os.environ, "FLASK_APP": self.factory, "POISE_SECRET_KEY": "bench", "POISE_RATELIMIT": "0",
                    "POISE_BIND": f"127.0.0.1:{self.port}", "POISE_WORKERS": str(web_workers),
                    "POISE_WARM_MODELS": "0", "POISE_RECORDINGS_DIR": str(self.recordings),
                    "POISE_JOBS": "1" if jobs else "0"}
        self.web = None
        self.workers: list[subprocess.Popen] = []
        self.queue_workers = queue_workers
        self.pg_data = self.folder / "postgres"
        self.redis_port = None
        if kind == "sqlite":
            self.env["POISE_DATABASE_URL"] = f"sqlite:///{self.folder / 'poise.sqlite3'}"
        else:
            urls = sh(f"source scripts/servers.sh && start_postgres {self.folder} 2>/dev/null && "
                      f"start_redis {self.folder} 2>/dev/null && echo $POISE_PG_URL $POISE_REDIS_URL")
            pg_url, redis_url = urls.split()
            self.redis_port = int(re.search(r":(\d+)/", redis_url).group(1))
            self.env.update(POISE_DATABASE_URL=pg_url, POISE_QUEUE_URL=redis_url,
                            POISE_RATELIMIT_STORAGE_URL=redis_url[:-1] + "1")
        self.flask("db", "upgrade")
        self.flask("questions", "seed")

    def flask(self, *args: str) -> str:
        return subprocess.run([str(VENV / "flask"), *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True).stdout

    def spawn(self, *command: str, log: str) -> subprocess.Popen:
        with open(self.folder / log, "ab") as out:
            return subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start_web(self, wait: float = 120) -> float:
        started = time.monotonic()
        self.web = self.spawn(str(VENV / "gunicorn"), "-c", "gunicorn.conf.py", self.factory, log="web.log")
        while time.monotonic() - started < wait:
            try:
                if requests.get(self.base + "/auth/login", timeout=5).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer; see {self.folder / 'web.log'}")

    def start_queue_worker(self) -> subprocess.Popen:
        worker = self.spawn(str(VENV / "flask"), "jobs", "worker", log=f"worker{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def start(self) -> None:
        self.start_web()
        for _ in range(self.queue_workers):
            self.start_queue_worker()

    # Servers under the stack (PostgreSQL: same data and port; Redis: same port, empty).
    def restart_postgres(self) -> None:
        sh(f"source scripts/servers.sh && as_postgres_owner $(postgres_bin)/pg_ctl -D {self.pg_data} -m fast -w restart"
           " >/dev/null")

    def stop_redis(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], capture_output=True)

    def start_redis(self) -> None:
        redis = self.folder / "redis"
        subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--daemonize", "yes",
                        "--dir", str(redis), "--pidfile", str(redis / "redis.pid"), "--logfile",
                        str(redis / "redis.log"), "--save", "", "--appendonly", "no"], check=True)

    def close(self) -> None:
        for process in [self.web, *self.workers]:
            if process is not None:
                stop_session(process)
        if self.kind == "postgres":
            sh(f"source scripts/servers.sh && as_postgres_owner $(postgres_bin)/pg_ctl -D {self.pg_data} -m fast "
               f"-w stop >/dev/null 2>&1; redis-cli -p {self.redis_port} shutdown nosave >/dev/null 2>&1; true")
        subprocess.run(["rm", "-rf", str(self.folder)])


class Client:
    """A signed-in user over HTTP, with the CSRF token the pages carry."""

    def __init__(self, base: str, email: str, signup: bool = True):
        self.base = base
        self.http = requests.Session()
        if signup:
            token = self.token("/auth/signup")
            self.http.post(base + "/auth/signup", data={"csrf_token": token, "display_name": "Bench", "email": email,
                                                        "password": PASSWORD, "confirm": PASSWORD}, timeout=60)
        token = self.token("/auth/login")
        response = self.http.post(base + "/auth/login", data={"csrf_token": token, "email": email,
                                                              "password": PASSWORD}, timeout=60)
        if "/auth/login" in response.url:
            raise SystemExit(f"could not sign in {email}")
        self.csrf = self.token("/questions")

    def token(self, path: str) -> str:
        page = self.http.get(self.base + path, timeout=60).text
        return re.search(r'name="csrf[-_]token" (?:value|content)="([^"]+)"', page).group(1)

    def consent(self, modality: str = "video") -> None:
        response = self.http.post(f"{self.base}/privacy/consent/{modality}", data={"csrf_token": self.csrf}, timeout=60)
        response.raise_for_status()

    def upload(self, clip: Path, timeout: float = 120) -> requests.Response:
        with open(clip, "rb") as handle:
            return self.http.post(self.base + "/api/attempts", data={"modality": "video", "question_id": "1"},
                                  files={"recording": (clip.name, handle, "video/webm")},
                                  headers={"X-CSRFToken": self.csrf}, timeout=timeout)

    def status(self, attempt_id: int) -> dict:
        response = self.http.get(f"{self.base}/api/attempts/{attempt_id}", timeout=30)
        response.raise_for_status()
        return response.json()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))] if ordered else float("nan")
