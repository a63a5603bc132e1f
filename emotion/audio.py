"""Decoding any recording the product accepts to 16 kHz mono float32, with domain errors.

soundfile reads wav, flac, ogg and mp3 directly; what it cannot read (browser webm/opus, the
sound track of webm or mp4 video) goes through the ffmpeg command line, reading the file itself.
Not a pipe: an MP4 whose index sits at its end needs ffmpeg to seek back, which a pipe allows
only while the whole file is still in ffmpeg's buffer; piped, the same 54 kB fixture decoded to
nothing in 2 of 6 analyses in a worker process. Bytes handed in are written to a temporary
file first.
"""
import logging
import shutil
import subprocess
from math import gcd
from pathlib import Path

import numpy as np

from emotion.errors import EmptyInput, UnreadableMedia
from emotion.media import MAX_RECORDING_SECONDS, existing_file

log = logging.getLogger(__name__)

# The sound every acoustic measure reads: 16 kHz mono, 25 ms frames every 10 ms.
SAMPLE_RATE = 16_000
FRAME_LENGTH = 400                 # samples: 25 ms
HOP_LENGTH = 160                   # samples: 10 ms, one step of every contour
STEP_SECONDS = HOP_LENGTH / SAMPLE_RATE
FFMPEG_TIMEOUT_SECONDS = 60


def load_audio(source: str | Path | bytes | np.ndarray, sample_rate: int | None = None) -> np.ndarray:
    """A recording as float32 mono samples at :data:`SAMPLE_RATE`.

    ``source`` is a path, the file's bytes, or samples (then ``sample_rate`` says their rate;
    16 kHz when omitted). Raises :class:`EmptyInput` for an empty file or a recording with no
    samples, :class:`UnreadableMedia` for anything that cannot be decoded.
    """
    if isinstance(source, np.ndarray):
        samples, rate = source, sample_rate or SAMPLE_RATE
    else:
        samples, rate = _decode(_non_empty(source))
    samples = to_mono(np.asarray(samples, dtype=np.float32))
    if samples.size == 0:
        raise EmptyInput("The recording holds no sound.")
    if not np.all(np.isfinite(samples)):
        raise UnreadableMedia("The recording holds invalid samples: record again.")
    samples = resample(samples, rate, SAMPLE_RATE)
    return samples[: MAX_RECORDING_SECONDS * SAMPLE_RATE]


def _non_empty(source: str | Path | bytes) -> Path | bytes:
    """The file (as a Path) or the bytes; EmptyInput when there is nothing in them."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if not data:
            raise EmptyInput("The recording is empty (0 bytes).")
        return data
    path = existing_file(source, "recording")
    if path.stat().st_size == 0:
        raise EmptyInput("The recording is empty (0 bytes).")
    return path


def _decode(source: Path | bytes) -> tuple[np.ndarray, int]:
    import io
    import tempfile

    import soundfile as sf

    try:
        samples, rate = sf.read(source if isinstance(source, Path) else io.BytesIO(source), dtype="float32",
                                always_2d=False)
        return samples, int(rate)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError):
        pass  # not a format libsndfile knows: webm, mp4, m4a ... try ffmpeg
    if isinstance(source, Path):
        return decode_with_ffmpeg(source), SAMPLE_RATE
    with tempfile.NamedTemporaryFile(prefix="poise-audio-") as copy:  # ffmpeg may need to seek
        copy.write(source)
        copy.flush()
        return decode_with_ffmpeg(Path(copy.name)), SAMPLE_RATE


def decode_with_ffmpeg(path: Path) -> np.ndarray:
    """Any container ffmpeg reads (including the sound track of a video) -> 16 kHz mono float32,
    at most MAX_RECORDING_SECONDS of it."""
    import io

    import soundfile as sf

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise UnreadableMedia("This recording format needs ffmpeg, which is not installed on the server.")
    # "file:" so that a name is never taken for another protocol; stdin closed: ffmpeg never waits on it.
    command = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", f"file:{Path(path).resolve()}",
               "-t", str(MAX_RECORDING_SECONDS), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "wav", "pipe:1"]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=FFMPEG_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise UnreadableMedia("Decoding this recording took too long: send a shorter file.") from error
    if done.returncode != 0 or len(done.stdout) <= 44:
        log.info("ffmpeg could not decode: %s", done.stderr.decode(errors="replace")[-300:])
        if b"does not contain any stream" in done.stderr or b"Output file #0 does not contain" in done.stderr:
            raise UnreadableMedia("This file has no sound track.")
        raise UnreadableMedia("This recording could not be read: record again, or send wav, ogg, webm or mp4.")
    try:
        samples, _ = sf.read(io.BytesIO(_fix_wav_sizes(done.stdout)), dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError) as error:
        raise UnreadableMedia("This recording could not be read: record again.") from error
    if samples.size == 0 and done.stderr.strip():  # a header and nothing more: ffmpeg gave up, yet exited 0
        log.info("ffmpeg decoded no samples: %s", done.stderr.decode(errors="replace")[-300:])
        raise UnreadableMedia("This recording could not be read: record again, or send wav, ogg, webm or mp4.")
    return samples


def _fix_wav_sizes(wav: bytes) -> bytes:
    """ffmpeg writing WAV to a pipe cannot seek back to fill in the sizes; set them here."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        return wav
    data_at = wav.find(b"data", 12)
    if data_at < 0:
        return wav
    fixed = bytearray(wav)
    fixed[4:8] = (len(wav) - 8).to_bytes(4, "little")
    fixed[data_at + 4: data_at + 8] = (len(wav) - data_at - 8).to_bytes(4, "little")
    return bytes(fixed)


def to_mono(samples: np.ndarray) -> np.ndarray:
    return samples.mean(axis=1) if samples.ndim == 2 else samples.reshape(-1)


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling (exact for 48k/44.1k/8k -> 16k), float32 out."""
    if rate == target:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    divisor = gcd(int(rate), int(target))
    return resample_poly(samples, target // divisor, int(rate) // divisor).astype(np.float32)
