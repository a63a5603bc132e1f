"""A voice clip as the speech recogniser's encoder hears it: Whisper tiny.en's encoder (the
same hash-checked weights as the transcripts, :mod:`emotion.transcribe`) over the clip, its
384 output channels pooled over the clip's 20 ms frames as mean and standard deviation.

Why: on actor-grouped folds of RAVDESS these 768 numbers under a shrinkage LDA read emotions
on new voices better than the 2,152 acoustic functionals the speech model uses, and nearly as
well for men's voices as for women's (issue 20; models/speech/MODEL_CARD.md, "Men's and women's
voices"). Not served yet: training.speech_fairness measures it.
"""
import numpy as np

from emotion.audio import SAMPLE_RATE

CHUNK_SECONDS = 30                 # Whisper's input: 30 s of log-mel frames, padded
ENCODER_FRAME_SAMPLES = 320        # one encoder output frame per 20 ms
WIDTH = 2 * 384                    # tiny.en's encoder width, mean and spread


def whisper_embedding(samples: np.ndarray, transcriber=None) -> np.ndarray:
    """(WIDTH,) float32 for a clip of at most 30 s of 16 kHz mono samples: the encoder's output
    over the clip alone (zero-padded to 30 s as Whisper always is), pooled over its own frames."""
    import ctranslate2

    from emotion.transcribe import get_transcriber

    model = (transcriber or get_transcriber()).whisper_model()
    samples = np.asarray(samples, dtype=np.float32)[: CHUNK_SECONDS * SAMPLE_RATE]
    mel = model.feature_extractor(samples)
    padded = np.zeros((mel.shape[0], model.feature_extractor.nb_max_frames), np.float32)
    padded[:, : min(mel.shape[1], padded.shape[1])] = mel[:, : padded.shape[1]]
    encoded = np.array(model.model.encode(ctranslate2.StorageView.from_array(padded[None]), to_cpu=True))[0]
    frames = encoded[: max(1, min(len(encoded), int(np.ceil(len(samples) / ENCODER_FRAME_SAMPLES))))]
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0)]).astype(np.float32)
