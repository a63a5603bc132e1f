"""Where the model work of one job runs, and the deadline that really stops it.

:func:`analyze_recording` is the whole model work of a job: a recording's path in, a frozen
result (:mod:`emotion.base`) out. Every runner calls it, and the caller stores the result.

- :class:`ProcessRunner` (the default): the work runs in a child process started with
  ``spawn`` (never ``fork``: a fork of a process whose numerics threads are mid-computation
  can spin forever, issue 15 finding 1). The child loads the models once and serves job after
  job; a job past its deadline has its child killed (its CPU is given back), fails with a
  reason, and the next job gets a fresh child. pebble's ProcessPool does exactly this.
- :class:`InlineRunner`: in the calling thread, with no deadline (tests that replace the
  analyzers in this process).

``spawn`` imports the main module in the child: a script of your own that serves the app must
keep its start-up under ``if __name__ == "__main__":`` (gunicorn, flask, celery and pytest do).
"""
import concurrent.futures
import importlib
import logging
import math
import multiprocessing
import os
import threading
import time
from typing import Callable

from emotion.errors import AnalysisError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 600.0
PROGRESS_EVERY_SECONDS = 5.0
ANALYSIS_FUNCTION = "interview.runner:analyze_recording"
PARENT_CHECK_SECONDS = 1.0

Progress = Callable[[int], None]


class AnalysisTimedOut(AnalysisError):
    """The analysis ran past its deadline and was stopped."""


def analyze_recording(path: str, modality: str, read_emotions: bool, progress: Progress | None = None):
    """The model work of one job; runs wherever the runner puts it."""
    from emotion import get_video_analyzer, get_voice_analyzer

    if modality == "video":
        return get_video_analyzer().analyze(path, progress, read_emotions=read_emotions)
    return get_voice_analyzer().analyze(path, read_emotions=read_emotions)


def load_function(dotted: str) -> Callable:
    """``"package.module:name"`` -> the function (a module-level one, so a child can import it)."""
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


class InlineRunner:
    def __init__(self, function: Callable = analyze_recording):
        self.function = function

    def run(self, path, modality: str, read_emotions: bool, progress: Progress):
        return self.function(str(path), modality, read_emotions, progress)

    def close(self) -> None:
        pass


class ProcessRunner:
    """Jobs in spawn-started children reused across jobs, each job with a deadline."""

    def __init__(self, timeout_seconds: float, function: Callable = analyze_recording, workers: int = 1):
        self.timeout_seconds = timeout_seconds
        self.function = function
        self.workers = workers
        self._pool = None
        self._lock = threading.Lock()

    def _pool_now(self):
        # Built on first use: never in a gunicorn master, never at import.
        with self._lock:
            if self._pool is None:
                from pebble import ProcessPool

                self._pool = ProcessPool(max_workers=self.workers, initializer=die_with_parent,
                                         context=multiprocessing.get_context("spawn"))
            return self._pool

    def run(self, path, modality: str, read_emotions: bool, progress: Progress):
        future = self._pool_now().schedule(self.function, args=(str(path), modality, read_emotions),
                                           timeout=self.timeout_seconds)
        started = time.monotonic()
        while not future.done():
            concurrent.futures.wait([future], timeout=PROGRESS_EVERY_SECONDS)
            # Coarse progress from the clock; each report is also the job's heartbeat.
            progress(5 + int(85 * (1 - math.exp(-(time.monotonic() - started) / 60))))
        try:
            return future.result()
        except TimeoutError:
            log.warning("analysis of %s passed its %gs deadline; its process was killed", path, self.timeout_seconds)
            raise AnalysisTimedOut(
                f"The analysis took longer than {duration_text(self.timeout_seconds)} and was stopped. "
                "Your recording is kept; you can try again, perhaps with a shorter answer.") from None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None


def die_with_parent() -> None:
    """In the child: a parent killed outright (SIGKILL, OOM) takes this child with it, so an
    orphaned analysis never keeps spinning. A watch thread rather than Linux's PR_SET_PDEATHSIG,
    which fires when the *thread* that started the child ends, not the process."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="poise-parent-watch", daemon=True).start()


def duration_text(seconds: float) -> str:
    return f"{seconds:g} seconds" if seconds < 120 else f"{seconds / 60:g} minutes"


def configure(config: dict) -> None:
    """Settings from the environment, unless the app's config (tests) already has them."""
    config.setdefault("JOB_TIMEOUT_SECONDS", float(os.environ.get("POISE_JOB_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)))
    # Tests swap analyzers inside this process, so they analyse inline unless they ask otherwise.
    default_runner = "inline" if config.get("TESTING") else "process"
    config.setdefault("ANALYSIS_RUNNER", os.environ.get("POISE_ANALYSIS_RUNNER", default_runner))
    # Test-only: a module-level function standing in for analyze_recording (e.g. one that hangs).
    config.setdefault("ANALYSIS_FUNCTION", os.environ.get("POISE_ANALYSIS_FUNCTION", ANALYSIS_FUNCTION))
    # Set: analyses go through a distributed queue (interview.queue), not this process's thread.
    config.setdefault("QUEUE_URL", os.environ.get("POISE_QUEUE_URL") or None)
    config.setdefault("QUEUE_NAME", os.environ.get("POISE_QUEUE_NAME", "poise"))


def runner_for(config: dict, workers: int = 1):
    function = load_function(config["ANALYSIS_FUNCTION"])
    if config["ANALYSIS_RUNNER"] == "inline":
        return InlineRunner(function)
    return ProcessRunner(config["JOB_TIMEOUT_SECONDS"], function, workers)
