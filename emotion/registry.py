"""Builds each analyzer once per process, lazily, under a lock.

gunicorn forks its workers after importing the app; TensorFlow state must not cross a fork,
so nothing is built until the first request (or the worker's ``post_fork`` hook) asks for it.
"""
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_instances: dict[str, object] = {}


def get_or_build(name: str, build: Callable[[], T]) -> T:
    """Return the analyzer registered under ``name``, building it on first use."""
    instance = _instances.get(name)
    if instance is None:
        with _lock:
            instance = _instances.get(name)
            if instance is None:
                instance = build()
                _instances[name] = instance
    return instance  # type: ignore[return-value]


def clear() -> None:
    """Forget every built analyzer (tests, and after a fork in a process that built one)."""
    with _lock:
        _instances.clear()
