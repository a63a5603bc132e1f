"""Shared by the benchmark scripts: repeat a call and report the median, side by side."""
import statistics
import time
from typing import Callable


def timed_ms(function: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock milliseconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float], per: int = 1) -> float:
    """Print the median (and range) of ``times`` divided by ``per``; return the median."""
    median = statistics.median(times) / per
    print(f"{name:<46} median {median:8.2f} ms   (min {min(times) / per:.2f}, "
          f"max {max(times) / per:.2f}, runs {len(times)})")
    return median
