"""Builds each analyzer once per process, lazily, under a lock.

gunicorn forks its workers after importing the app; TensorFlow state must not cross a fork,
so nothing is built until the first request (or the worker's ``post_fork`` hook) asks for it.
"""
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """A value built on first use, exactly once even when threads race for it. An analyzer
    keeps its model in one, so building the analyzer stays cheap (no TensorFlow yet)."""

    def __init__(self, build: Callable[[], T]):
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value

    def reset(self) -> None:
        with self._lock:
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
