"""How the recogniser walks faster-whisper's 30 s windows (issue 19's speed), without the model:
the window that would only re-read a tail already heard is refused, and so is every window once
the caller no longer wants the transcript. The real model is in tests/test_transcribe.py."""
import threading
from types import SimpleNamespace

import pytest

from emotion import transcribe
from emotion.errors import AnalysisStopped, ModelUnavailable
from emotion.transcribe import heard_segments, only_tail_left, refuse_window_if_only_tail_left

MODEL = SimpleNamespace(frames_per_second=100, feature_extractor=SimpleNamespace(nb_max_frames=3000))


def windows_of(*windows):
    """faster-whisper's lazy segments: (seek frame, [segment ends]) per window; like the real
    generator, each window asks the guard before it is decoded, and ``asked`` lists them."""
    asked = []

    def segments():
        for seek, ends in windows:
            refuse_window_if_only_tail_left()
            asked.append(seek)
            yield from (SimpleNamespace(seek=seek, end=end) for end in ends)
    return segments(), asked


def read_windows(duration, *windows):
    segments, asked = windows_of(*windows)
    received = heard_segments(segments, lambda so_far: only_tail_left(so_far, duration, MODEL))
    assert getattr(transcribe._window_guard, "refuse", None) is None      # the guard does not outlive the call
    return [segment.end for segment in received], asked


def test_the_tail_a_window_already_heard_is_not_decoded_again():
    # 45 s: the second window (from 28 s) runs to the end; its last word ends 0.4 s before it
    assert read_windows(45.0, (0, [12.0, 25.4]), (2800, [36.0, 44.6]), (4460, [45.0])) == (
        [12.0, 25.4, 36.0, 44.6], [0, 2800])
    # every segment of the window that heard the end is kept, also after one near the end
    assert read_windows(45.0, (0, [25.0]), (2500, [44.1, 44.8]), (4480, [45.0])) == (
        [25.0, 44.1, 44.8], [0, 2500])
    # an answer shorter than a window: its one window heard the end
    assert read_windows(12.0, (0, [5.0, 11.5]), (1150, [12.0])) == ([5.0, 11.5], [0])
    # the decoder stopped 3 s before the end: that sound was left unread, so it is decoded
    assert read_windows(45.0, (0, [25.4]), (2540, [42.0]), (4200, [44.8])) == ([25.4, 42.0, 44.8], [0, 2540, 4200])
    # a window ending near the recording's end without having heard it (it starts over 30 s before)
    assert read_windows(30.2, (0, [29.5]), (2950, [30.1])) == ([29.5, 30.1], [0, 2950])


def test_the_recogniser_takes_half_the_cores_leaving_the_rest_to_the_faces():
    assert [transcribe.default_threads(cores) for cores in (1, 2, 3, 4, 8, 32)] == [1, 1, 1, 2, 4, 4]


def test_a_stop_ends_the_transcript_before_its_next_window():
    stop = threading.Event()
    segments, asked = windows_of((0, [12.0, 25.0]), (2500, [40.0]), (4000, [70.0]))

    def tail_left(received):
        if received:
            stop.set()          # set from this window's guard, after it checked the stop: the window runs
        return False
    with pytest.raises(AnalysisStopped):
        heard_segments(segments, tail_left, stop)
    assert asked == [0, 2500]                 # the third window is refused
    assert getattr(transcribe._window_guard, "refuse", None) is None


def test_a_guard_inside_another_gives_the_outer_one_back():
    outer_segments, outer_asked = windows_of((0, [5.0]), (500, [9.0]), (900, [12.0]))
    inner = []

    def outer_tail_left(received):
        if not inner:       # a nested transcript, read while the outer one walks its windows
            inner_segments, inner_asked = windows_of((0, [11.5]), (1150, [12.0]))
            heard_segments(inner_segments, lambda so_far: only_tail_left(so_far, 12.0, MODEL))
            inner.append(inner_asked)
        return len(received) == 2           # the outer guard, still asked after the inner call
    assert [segment.end for segment in heard_segments(outer_segments, outer_tail_left)] == [5.0, 9.0]
    assert inner == [[0]] and outer_asked == [0, 500]


def test_a_thread_count_that_is_not_a_number_is_refused(monkeypatch):
    monkeypatch.setenv("POISE_WHISPER_THREADS", "two")
    with pytest.raises(ModelUnavailable, match="POISE_WHISPER_THREADS"):
        transcribe.configured_threads()
    monkeypatch.setenv("POISE_WHISPER_THREADS", "3")
    assert transcribe.configured_threads() == 3
