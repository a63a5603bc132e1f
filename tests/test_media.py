"""Decoding ahead in a background thread: same frames, same errors, no file left open."""
import threading
from pathlib import Path

import numpy as np
import pytest

from emotion.errors import UnreadableMedia
from emotion.media import _frames, decoded_ahead, sample_video_frames
from tests.conftest import FIXTURES


def counting_source(n, fail_at=None, log=None):
    log = log if log is not None else {}
    log["closed"] = False
    try:
        for i in range(n):
            if i == fail_at:
                raise UnreadableMedia(f"broken at {i}")
            log["made"] = i + 1
            yield i
    finally:
        log["closed"] = True
        log["closed_in"] = threading.current_thread().name


def test_items_arrive_in_order_and_all_of_them():
    assert list(decoded_ahead(counting_source(100), depth=3)) == list(range(100))


def test_the_producers_error_is_raised_after_the_items_before_it():
    received = []
    with pytest.raises(UnreadableMedia, match="broken at 5"):
        for item in decoded_ahead(counting_source(10, fail_at=5), depth=2):
            received.append(item)
    assert received == [0, 1, 2, 3, 4]


def test_a_depth_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        next(decoded_ahead(counting_source(3), depth=0))


def test_a_consumer_that_stops_early_stops_and_closes_the_source():
    log = {}
    frames = decoded_ahead(counting_source(10_000, log=log), depth=4)
    assert [next(frames) for _ in range(3)] == [0, 1, 2]
    frames.close()
    assert log["closed"] and log["closed_in"] == "decode-ahead"
    assert log["made"] <= 3 + 4 + 2  # taken, queued, and at most one in hand: not all 10,000


def test_a_consumer_error_midway_closes_the_source():
    log = {}
    with pytest.raises(ZeroDivisionError):
        for item in decoded_ahead(counting_source(10_000, log=log), depth=4):
            if item == 2:
                1 / 0
    assert log["closed"] and log["made"] < 10_000


def test_a_real_video_reads_the_same_as_decoding_in_line():
    path = FIXTURES / "video" / "woman2.mp4"
    in_line = list(_frames(Path(path), 0.2))
    ahead = list(sample_video_frames(path, 5.0))
    assert [t for t, _ in ahead] == [t for t, _ in in_line] and len(ahead) > 20
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(ahead, in_line))


def test_a_damaged_video_still_raises_the_domain_error(tmp_path):
    damaged = tmp_path / "damaged.webm"
    damaged.write_bytes(b"\x1a\x45\xdf\xa3 this is not a video" * 50)
    with pytest.raises(UnreadableMedia):
        list(sample_video_frames(damaged))


def test_a_failing_face_search_leaves_no_decoding_thread_behind():
    from emotion.video import face_timeline

    class DetectorThatBreaks:
        def track_main_face(self, frames):
            for number, _ in enumerate(frames):
                if number == 2:
                    raise RuntimeError("detector broke")
                yield None

    with pytest.raises(RuntimeError, match="detector broke") as raised:
        face_timeline(FIXTURES / "video" / "woman2.mp4", DetectorThatBreaks(), model=None)
    assert raised.value.__traceback__ is not None  # the traceback, and what it holds, still live
    assert not [thread for thread in threading.enumerate() if thread.name == "decode-ahead"]
