"""A voice as the speech recogniser's encoder hears it: Whisper tiny.en's encoder (the same
hash-checked weights as the transcripts, :mod:`emotion.transcribe`), its 384 output channels
pooled over 20 ms frames as mean and standard deviation (768 numbers).

Why: on actor-grouped folds of RAVDESS these numbers under a shrinkage LDA read emotions on new
voices better than the 2,152 acoustic functionals the speech model used before, and nearly as
well for men's voices as for women's (issue 20; models/speech/MODEL_CARD.md, "Men's and women's
voices").

Level: Whisper's log-mel input moves with the microphone's gain (12 dB quieter moved a clip's
embedding a quarter of the way to another clip's), and browsers and laptops set different gains,
so every recording is first scaled to one loudness (:func:`level_normalised`, the whole
recording by one gain: its own loud and quiet stretches keep their difference).

Two ways in: :func:`whisper_embedding` encodes one clip alone (how training reads RAVDESS clips);
:func:`encoded_frames` encodes a whole recording once, 30 s at a time, and
:func:`pooled_windows` pools its frames per window (how answers are read: one encoder pass per
30 s instead of one per 3 s window).
"""
import numpy as np

from emotion.audio import SAMPLE_RATE

CHUNK_SECONDS = 30                 # Whisper's input: 30 s of log-mel frames, padded
ENCODER_FRAME_SAMPLES = 320        # one encoder output frame per 20 ms
FRAMES_PER_SECOND = SAMPLE_RATE / ENCODER_FRAME_SAMPLES
WIDTH = 2 * 384                    # tiny.en's encoder width, mean and spread
REFERENCE_DB = -30.0               # the loud frames' level (99th percentile, dB full scale) after scaling;
                                   # the median of RAVDESS clips as recorded
MAX_GAIN_DB = 40.0                 # never raise a near-silent recording's noise further than this


def level_normalised(samples: np.ndarray) -> np.ndarray:
    """The recording scaled by one gain so that its loud frames sit at :data:`REFERENCE_DB`."""
    from emotion.speech_features import frame_db

    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) == 0:
        return samples
    loud_db = float(np.percentile(frame_db(samples), 99))
    gain_db = min(MAX_GAIN_DB, REFERENCE_DB - loud_db)
    return (samples * np.float32(10 ** (gain_db / 20))).astype(np.float32)


def _whisper_model(transcriber=None):
    from emotion.transcribe import get_transcriber

    return (transcriber or get_transcriber()).whisper_model()


def _encode_chunk(model, samples: np.ndarray) -> np.ndarray:
    """(frames, 384) encoder output for at most 30 s of samples: the chunk zero-padded to 30 s
    (as Whisper always is), only the frames that hold the chunk's own sound kept."""
    import ctranslate2

    samples = samples[: CHUNK_SECONDS * SAMPLE_RATE]
    mel = model.feature_extractor(samples)
    padded = np.zeros((mel.shape[0], model.feature_extractor.nb_max_frames), np.float32)
    padded[:, : min(mel.shape[1], padded.shape[1])] = mel[:, : padded.shape[1]]
    encoded = np.array(model.model.encode(ctranslate2.StorageView.from_array(padded[None]), to_cpu=True))[0]
    return encoded[: max(1, min(len(encoded), int(np.ceil(len(samples) / ENCODER_FRAME_SAMPLES))))]


def pool(frames: np.ndarray) -> np.ndarray:
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0)]).astype(np.float32)


def whisper_embedding(samples: np.ndarray, transcriber=None) -> np.ndarray:
    """(WIDTH,) float32 for a clip of at most 30 s of 16 kHz mono samples: the encoder's output
    over the clip alone (level-normalised), pooled over its own frames."""
    return pool(_encode_chunk(_whisper_model(transcriber), level_normalised(samples)))


def encoded_frames(samples: np.ndarray, transcriber=None, stop=None) -> np.ndarray:
    """(frames, 384): the recording (level-normalised as a whole) encoded in consecutive 30 s
    chunks, one frame per 20 ms. ``stop`` (a threading.Event), once set, ends it before its next
    chunk with AnalysisStopped: a long answer's encoding is many chunks of ~0.3 s each."""
    from emotion.errors import raise_if_stopped

    model = _whisper_model(transcriber)
    samples = level_normalised(samples)
    step = CHUNK_SECONDS * SAMPLE_RATE
    chunks = []
    for start in range(0, max(1, len(samples)), step):
        raise_if_stopped(stop, "the voice's emotion reading")
        chunks.append(_encode_chunk(model, samples[start: start + step]))
    return np.concatenate(chunks)


def pooled_windows(frames: np.ndarray, spans: list[tuple[float, float]]) -> np.ndarray:
    """(len(spans), WIDTH): the frames of each (start, end) window in seconds, pooled."""
    pooled = []
    for start, end in spans:
        first = min(int(start * FRAMES_PER_SECOND), len(frames) - 1)
        last = max(first + 1, int(np.ceil(end * FRAMES_PER_SECOND)))
        pooled.append(pool(frames[first:last]))
    return np.stack(pooled)
