"""Decoding recordings to 16 kHz mono (emotion/audio.py) on real files: what ffmpeg decodes, it
decodes whole every time, from a path or from bytes; what it cannot is a clear domain error."""
import subprocess

import numpy as np
import pytest

from emotion.audio import SAMPLE_RATE, load_audio
from emotion.errors import EmptyInput, UnreadableMedia
from tests.conftest import FIXTURES

# Recorded as many phones and cameras write MP4: the samples first, their index ("moov") at the
# end, so a reader has to seek back. Piped to ffmpeg it decoded to nothing in 2 of 6 analyses.
INDEX_AT_END = FIXTURES / "av" / "happy_2.mp4"


def test_a_video_whose_index_sits_at_its_end_decodes_whole_every_time():
    data = INDEX_AT_END.read_bytes()
    assert data.index(b"mdat") < data.index(b"moov")  # the fixture still is what this test is about
    lengths = {len(load_audio(source)) for source in (INDEX_AT_END, str(INDEX_AT_END), data) * 3}
    assert len(lengths) == 1
    assert 3.0 * SAMPLE_RATE < lengths.pop() < 4.5 * SAMPLE_RATE  # the clip's 3.7 s of sound


@pytest.fixture(scope="module")
def phone_video(tmp_path_factory):
    """A 21 s MP4 as phones write them (index at the end), far larger than a pipe's buffer:
    piped to ffmpeg it decodes to a bare WAV header every time, with exit status 0."""
    video = tmp_path_factory.mktemp("phone") / "answer.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(FIXTURES / "av" / "timeline_1.webm"),
                    "-c:v", "mpeg4", "-c:a", "aac", str(video)], check=True, timeout=120)
    data = video.read_bytes()
    assert data.index(b"mdat") < data.index(b"moov") and len(data) > 256_000
    return video


def test_a_phone_video_decodes_whole_from_its_file_and_from_its_bytes(phone_video):
    from_file = load_audio(phone_video)
    assert 20.5 * SAMPLE_RATE < len(from_file) < 21.5 * SAMPLE_RATE
    np.testing.assert_array_equal(load_audio(phone_video.read_bytes()), from_file)


def test_decoding_from_bytes_and_from_the_file_gives_the_same_samples():
    np.testing.assert_array_equal(load_audio(INDEX_AT_END.read_bytes()), load_audio(INDEX_AT_END))


def test_a_video_cut_short_is_unreadable_not_silent(tmp_path):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(INDEX_AT_END.read_bytes()[:20_000])  # its index is lost with the end
    with pytest.raises(UnreadableMedia, match="could not be read"):
        load_audio(cut)


def test_empty_recordings_are_empty_input(tmp_path):
    empty = tmp_path / "empty.webm"
    empty.touch()
    for source in (empty, b""):
        with pytest.raises(EmptyInput, match="0 bytes"):
            load_audio(source)
    with pytest.raises(UnreadableMedia, match="No such recording"):
        load_audio(tmp_path / "missing.webm")
