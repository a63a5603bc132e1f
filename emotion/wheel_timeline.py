"""A whole answer on the Plutchik wheel: per-frame states, the stretches where a state is
present (sliding windows, merged), and a narrative a candidate can check against the replay.

Windows are sized in seconds, not frames, so the reading does not change with the sampling
rate: 6-second windows every 3 seconds. A facial expression is held for about 0.5-4 s, so a
6 s window holds one with the face around it; at 5 frames a second that is 30 frames, and
the presence threshold (a quarter of the read frames, 7-8 frames, ~1.5 s) is not passed by
one or two frames the model misreads. The half-overlap places a stretch's edges to within
1.5 s (each window owns the middle 3 s of its span), close enough to find it on the replay,
and a 45-second answer gets 14 windows.
"""
import math
from collections import Counter

import numpy as np

from emotion.wheel_states import CALM, STATES, adjective, form
from emotion.wheel_types import DIMENSIONS, NarrativePart, WheelInterval, WheelMoment, WheelReading

WINDOW_SECONDS = 6.0
STEP_SECONDS = 3.0
PRESENT_SHARE = 0.25     # a state is present in a window from this share of its read frames
MIN_READ_FRAMES = 3      # a window with fewer frames with a face has no states ("out of view")
# A primary present in this share of its stretch's read frames or more reads in its strong
# form (joy -> ecstasy); under MILD_BELOW, in its mild form (joy -> serenity).
STRONG_FROM = 0.8
MILD_BELOW = 0.4
MOST_OF_THE_ANSWER = 0.5


def wheel_reading(times: list[float], dims) -> WheelReading:
    """The reading of an answer: ``times`` (seconds) of its sampled frames, ``dims`` one row of
    4 (+1 / 0 / -1, DIMENSIONS order) per frame, or None where no face was read."""
    rows = [None if row is None else tuple(int(v) for v in np.asarray(row).reshape(-1)) for row in dims]
    if len(rows) != len(times):
        raise ValueError(f"{len(times)} times but {len(rows)} rows of dimensions")
    states = [None if row is None else STATES[row] for row in rows]
    timeline = tuple(WheelMoment(time=round(float(t), 3), dimensions=dict(zip(DIMENSIONS, row)), state=state)
                     for t, row, state in zip(times, rows, states) if row is not None)
    duration = answer_duration(times)
    intervals = merged_intervals(np.asarray(times, float), states, duration)
    parts = narrative_parts(intervals, duration)
    return WheelReading(timeline=timeline, intervals=intervals, narrative=narrative_text(parts),
                        narrative_parts=parts)


def answer_duration(times: list[float]) -> float:
    """Until the last frame's end: its time plus the median step between frames."""
    if not times:
        return 0.0
    steps = np.diff(times)
    return float(times[-1] + (np.median(steps) if len(steps) else 0.0))


def window_starts(duration: float) -> list[float]:
    """Start of each window; the last ends at or past the end, a short answer has one."""
    count = max(1, math.ceil((duration - WINDOW_SECONDS) / STEP_SECONDS) + 1)
    return [k * STEP_SECONDS for k in range(count)]


def _present(frame_states: list[str]) -> frozenset[str] | None:
    """The states present among a window's read frames; None with too few frames to say."""
    if len(frame_states) < MIN_READ_FRAMES:
        return None
    counts = Counter(frame_states)
    return frozenset(state for state, count in counts.items() if count >= PRESENT_SHARE * len(frame_states))


def merged_intervals(times: np.ndarray, states: list[str | None], duration: float) -> tuple[WheelInterval, ...]:
    """Consecutive windows with the same present states merged into one interval each. Each
    window owns the middle STEP_SECONDS of its span (the first from 0, the last to the end), so
    the intervals tile the answer; densities are over the merged windows' read frames."""
    starts = window_starts(duration)
    runs: list[tuple[frozenset | None, list[int]]] = []
    for k, start in enumerate(starts):
        inside = (times >= start) & (times < start + WINDOW_SECONDS)
        present = _present([states[i] for i in np.flatnonzero(inside) if states[i] is not None])
        if runs and runs[-1][0] == present:
            runs[-1][1].append(k)
        else:
            runs.append((present, [k]))
    margin = (WINDOW_SECONDS - STEP_SECONDS) / 2
    edges = [0.0] + [starts[ks[0]] + margin for _, ks in runs[1:]] + [duration]
    intervals = []
    for (present, ks), start, end in zip(runs, edges, edges[1:]):
        inside = (times >= starts[ks[0]]) & (times < starts[ks[-1]] + WINDOW_SECONDS)
        intervals.append(_interval(present, [states[i] for i in np.flatnonzero(inside)], start, end))
    return tuple(intervals)


def _interval(present, frame_states: list[str | None], start: float, end: float) -> WheelInterval:
    read = [state for state in frame_states if state is not None]
    if present is None:  # out of view: density 0
        return WheelInterval(start=round(start, 3), end=round(end, 3), states=(), density=0.0)
    shares = {state: count / len(read) for state, count in Counter(read).items()}
    if not present:  # read, but changing: no state held; density its most common state's
        return WheelInterval(start=round(start, 3), end=round(end, 3), states=(), density=round(max(shares.values()), 4))
    ordered = sorted(present, key=lambda state: (-shares[state], state))
    names = tuple(form(state, shares[state], MILD_BELOW, STRONG_FROM) for state in ordered)
    return WheelInterval(start=round(start, 3), end=round(end, 3), states=names,
                         density=round(shares[ordered[0]], 4))


def clock(seconds: float) -> str:
    """0:07, 1:15: how the replay's player shows a time."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def describe(interval: WheelInterval) -> str:
    """How the face looked in an interval: "joyful", "calm, at times surprised", "out of view"."""
    if not interval.states:
        return "changing" if interval.density else "out of view"
    # calm beside an expression says only that it came and went: "joyful", not "joyful, at times calm"
    first, *others = [adjective(name) for name in interval.states if name != CALM or name == interval.states[0]]
    return f"{first}, at times {' and '.join(others)}" if others else first


def narrative_parts(intervals: tuple[WheelInterval, ...], duration: float) -> tuple[NarrativePart, ...]:
    """The answer's main look (start None), then each stretch that differs from it, in order."""
    if not any(interval.states for interval in intervals):
        read = any(interval.density for interval in intervals)
        text = "your face's expression kept changing" if read else "your face was not in view"
        return (NarrativePart(text=text, start=None),)
    main, share = _main_look(intervals, duration)
    if share >= MOST_OF_THE_ANSWER:
        parts = [NarrativePart(text=f"your face looked {main} for most of the answer", start=None)]
    else:  # no one look held: tell every stretch
        main, parts = None, [NarrativePart(text="your face's look changed through the answer", start=None)]
    for interval in _joined(intervals):
        text = describe(interval)
        if text != main:
            parts.append(NarrativePart(text=f"{text} {_when(interval, duration)}", start=interval.start))
    return tuple(parts)


def _main_look(intervals, duration: float) -> tuple[str, float]:
    """The description covering the most time, and its share of the answer."""
    seconds = Counter()
    for interval in intervals:
        if interval.states:
            seconds[describe(interval)] += interval.end - interval.start
    main, covered = seconds.most_common(1)[0]
    return main, covered / duration if duration else 0.0


def _joined(intervals):
    """Neighbouring intervals described alike, as one (merged windows may still differ in a
    secondary state only by form)."""
    joined = []
    for interval in intervals:
        if joined and describe(joined[-1]) == describe(interval):
            last = joined[-1]
            interval = WheelInterval(last.start, interval.end, last.states, max(last.density, interval.density))
            joined.pop()
        joined.append(interval)
    return joined


def _when(interval: WheelInterval, duration: float) -> str:
    if interval.start <= 0 and interval.end < duration:
        return f"at the start (to {clock(interval.end)})"
    if interval.end >= duration and interval.start > 0:
        return f"at the end (from {clock(interval.start)})"
    return f"from {clock(interval.start)} to {clock(interval.end)}"


def narrative_text(parts: tuple[NarrativePart, ...]) -> str:
    text = "; ".join(part.text for part in parts) + "."
    return text[0].upper() + text[1:]
