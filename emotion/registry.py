"""Builds each analyzer once per process, lazily, under a lock.

gunicorn forks its workers after importing the app; TensorFlow state must not cross a fork,
so nothing is built until the first request (or the worker's ``post_fork`` hook) asks for it.
"""
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


# One lock for every build: a video answer reads its voice in a second thread beside its faces
# (emotion.video_answer), and Keras does not support loading models from two threads at once, so
# models load one at a time. Re-entrant: a build may get() another Lazy in the same thread.
_BUILDING = threading.RLock()


class Lazy(Generic[T]):
    """A value built on first use, exactly once even when threads race for it, and never while
    another thread builds one (:data:`_BUILDING`). An analyzer keeps its model in one, so
    building the analyzer stays cheap (no TensorFlow yet)."""

    def __init__(self, build: Callable[[], T]):
        self._build = build
        self._value: T | None = None

    def get(self) -> T:
        if self._value is None:
            with _BUILDING:
                if self._value is None:
                    self._value = self._build()
        return self._value

    def reset(self) -> None:
        with _BUILDING:
            self._value = None


_lock = threading.Lock()
_instances: dict[str, Lazy] = {}


def get_or_build(name: str, build: Callable[[], T]) -> T:
    """Return the analyzer registered under ``name``, building it on first use."""
    with _lock:
        lazy = _instances.setdefault(name, Lazy(build))
    return lazy.get()


def clear() -> None:
    """Forget every built analyzer (tests, and after a fork in a process that built one)."""
    with _lock:
        _instances.clear()
