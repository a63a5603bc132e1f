"""The voice model's Whisper-encoder features (issue 20): windows pooled from one encoding of the
recording, the served model naming its features, and the real encoder on real clips."""
import json

import numpy as np
import pytest

from emotion.audio import SAMPLE_RATE, load_audio
from emotion.errors import ModelUnavailable
from emotion.speech import AcousticFeatures, LinearSpeechModel, WhisperFeatures, load_speech_model
from emotion.speech_types import SPEECH_CLASSES
from emotion.transcribe import get_transcriber
from emotion.voice_embedding import (FRAMES_PER_SECOND, MAX_GAIN_DB, REFERENCE_DB, WIDTH, _encode_chunk, encoded_frames,
                                     level_normalised, pool, pooled_windows, whisper_embedding)
from tests.conftest import FIXTURES

AUDIO = FIXTURES / "audio"


def test_a_window_pools_the_frames_of_its_own_span():
    frames = np.arange(500, dtype=np.float32)[:, None] * np.ones((1, 384), np.float32)   # frame i holds i
    pooled = pooled_windows(frames, [(0.0, 3.0), (1.0, 4.0), (9.5, 10.0)])
    assert pooled.shape == (3, WIDTH) and FRAMES_PER_SECOND == 50
    assert pooled[0, 0] == pytest.approx(np.mean(np.arange(0, 150)))      # frames 0-149: the first 3 s
    assert pooled[1, 0] == pytest.approx(np.mean(np.arange(50, 200)))
    assert pooled[2, 0] == pytest.approx(np.mean(np.arange(475, 500)))    # the last half second
    assert pooled[0, 384] == pytest.approx(np.std(np.arange(0, 150)))      # then the spread


def test_a_window_past_the_end_still_pools_a_frame():
    frames = np.ones((10, 384), np.float32)
    np.testing.assert_allclose(pooled_windows(frames, [(5.0, 8.0)]), pool(frames[-1:])[None])


def test_every_recording_is_scaled_to_one_loudness():
    from emotion.speech_features import frame_db

    clip = load_audio(sorted(AUDIO.glob("*.wav"))[0])
    for gain in (0.25, 1.0, 4.0):
        scaled = level_normalised(clip * gain)
        assert np.percentile(frame_db(scaled), 99) == pytest.approx(REFERENCE_DB, abs=0.01)
        np.testing.assert_allclose(scaled, level_normalised(clip), rtol=1e-4, atol=1e-7)
    quiet_noise = np.random.default_rng(0).normal(0, 1e-5, SAMPLE_RATE).astype(np.float32)
    raised = np.percentile(frame_db(level_normalised(quiet_noise)), 99) - np.percentile(frame_db(quiet_noise), 99)
    assert raised == pytest.approx(MAX_GAIN_DB, abs=0.01)                # near-silence is not blown up further
    assert level_normalised(np.zeros(0, np.float32)).size == 0


def test_a_model_of_features_no_reader_knows_is_refused(tmp_path):
    arrays = {"coef": np.zeros((7, 4)), "intercept": np.zeros(7), "scaler_mean": np.zeros(4), "scaler_scale": np.ones(4)}
    np.savez(tmp_path / "linear.npz", **arrays)
    manifest = {"kind": "linear", "file": "linear.npz", "features": ["mfcc"], "classes": list(SPEECH_CLASSES)}
    (tmp_path / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelUnavailable, match="no reader for the features"):
        load_speech_model(tmp_path)


def test_a_model_whose_weights_do_not_fit_its_features_is_refused(tmp_path):
    arrays = {"coef": np.zeros((7, WIDTH + 1)), "intercept": np.zeros(7),
              "scaler_mean": np.zeros(WIDTH + 1), "scaler_scale": np.ones(WIDTH + 1)}
    np.savez(tmp_path / "linear.npz", **arrays)
    with pytest.raises(ValueError, match="does not fit 768 whisper features"):
        LinearSpeechModel(tmp_path / "linear.npz", ("whisper",))
    assert AcousticFeatures.width == 2152


def write_head(path, seed: int, width: int = WIDTH) -> None:
    rng = np.random.default_rng(seed)
    np.savez(path, coef=rng.normal(size=(7, width)), intercept=rng.normal(size=7),
             scaler_mean=np.zeros(width), scaler_scale=np.ones(width))


def test_clips_and_windows_are_read_by_their_own_heads(tmp_path):
    write_head(tmp_path / "linear.npz", 0)
    write_head(tmp_path / "linear_clips.npz", 1)
    manifest = {"kind": "linear", "file": "linear.npz", "features": ["whisper"], "classes": list(SPEECH_CLASSES),
                "clips": {"file": "linear_clips.npz", "name": "alone"}}
    (tmp_path / "model.json").write_text(json.dumps(manifest))
    model, _ = load_speech_model(tmp_path)
    X = np.random.default_rng(2).normal(size=(3, WIDTH))
    windows, clips = model.predict_proba(X), model.predict_clips_proba(X)
    np.testing.assert_allclose(windows.sum(axis=1), 1)
    np.testing.assert_allclose(clips.sum(axis=1), 1)
    assert not np.allclose(windows, clips)
    del manifest["clips"]                                      # one head: it reads both
    (tmp_path / "model.json").write_text(json.dumps(manifest))
    single, _ = load_speech_model(tmp_path)
    np.testing.assert_allclose(single.predict_clips_proba(X), windows)


def test_without_the_recognisers_weights_the_voice_model_refuses_to_load(tmp_path):
    from emotion.speech import MODEL_DIR
    from emotion.transcribe import Transcriber

    with pytest.raises(ModelUnavailable, match="speech-to-text weights"):
        load_speech_model(MODEL_DIR, transcriber=Transcriber(tmp_path))        # an empty folder: no weights


def test_a_missing_clips_head_is_a_damaged_model(tmp_path):
    write_head(tmp_path / "linear.npz", 0)
    manifest = {"kind": "linear", "file": "linear.npz", "features": ["whisper"], "classes": list(SPEECH_CLASSES),
                "clips": {"file": "linear_clips.npz"}}
    (tmp_path / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelUnavailable, match="missing or damaged"):
        load_speech_model(tmp_path)


# --- the real encoder and the shipped model (slow) ----------------------------------------------

@pytest.mark.slow
def test_the_shipped_voice_model_reads_the_whisper_encoder():
    model, manifest = load_speech_model()
    assert manifest["features"] == ["whisper"] and isinstance(model.features, WhisperFeatures)
    assert manifest["clips"]["file"] == "linear_clips.npz" and model.clips_head is not model.windows_head


@pytest.mark.slow
def test_a_recording_of_one_window_reads_as_its_clip_and_longer_ones_through_the_windows_head():
    from emotion.speech import SpeechAnalyzer

    analyzer = SpeechAnalyzer()
    clip = load_audio(sorted(AUDIO.glob("*.wav"))[0])          # under 3 s: one window
    clip = clip[: 3 * SAMPLE_RATE]
    alone = analyzer.classify_clips([clip])[0]
    window = analyzer.analyze_audio(clip).timeline[0].probabilities
    np.testing.assert_allclose([window[name] for name in SPEECH_CLASSES], alone, atol=1e-3)
    recording = np.concatenate([clip, clip, clip])
    first = analyzer.analyze_audio(recording).timeline[0]
    frames = encoded_frames(recording)
    expected = analyzer.model.predict_proba(pooled_windows(frames, [(first.start, first.end)]))[0]
    np.testing.assert_allclose([first.probabilities[name] for name in SPEECH_CLASSES], expected, atol=1e-3)


@pytest.mark.slow
def test_a_short_recording_is_one_window_read_as_the_clip_alone():
    clip = load_audio(sorted(AUDIO.glob("*.wav"))[0])
    assert len(clip) < 5 * SAMPLE_RATE
    windows = WhisperFeatures().describe_windows(clip, [(0.0, len(clip) / SAMPLE_RATE)], None)
    np.testing.assert_allclose(windows[0], whisper_embedding(clip), atol=1e-5)


@pytest.mark.slow
def test_a_long_recording_is_encoded_30_seconds_at_a_time():
    clips = [load_audio(path) for path in sorted(AUDIO.glob("*.wav"))]
    recording = np.concatenate(clips * 6)                       # ~ 70 s: three chunks
    frames = encoded_frames(recording)
    assert frames.shape == (int(np.ceil(len(recording) / 320)), 384)
    scaled = level_normalised(recording)                        # one gain for the whole recording
    model = get_transcriber().whisper_model()
    first_chunk = _encode_chunk(model, scaled[: 30 * SAMPLE_RATE])
    np.testing.assert_allclose(frames[:1500], first_chunk, atol=1e-4)   # chunks are encoded apart
    # a clip within the recording reads differently from the clip alone: the encoder hears its
    # neighbours and its place in the 30 s window (why training reads clips both ways)
    within = pooled_windows(frames, [(0.0, len(clips[0]) / SAMPLE_RATE)])[0]
    assert not np.allclose(within, whisper_embedding(clips[0]), atol=1e-2)


def test_a_stop_ends_the_encoding_before_its_next_30_second_chunk(monkeypatch):
    import threading

    from emotion import voice_embedding
    from emotion.errors import AnalysisStopped

    stop, encoded = threading.Event(), []

    def encode_then_stop(model, samples):
        encoded.append(len(samples))
        stop.set()                       # as a refused face pass would, while the first chunk encodes
        return np.zeros((1500, 384), np.float32)

    monkeypatch.setattr(voice_embedding, "_whisper_model", lambda transcriber: None)
    monkeypatch.setattr(voice_embedding, "_encode_chunk", encode_then_stop)
    recording = np.full(95 * SAMPLE_RATE, 0.1, np.float32)             # four chunks
    with pytest.raises(AnalysisStopped):
        encoded_frames(recording, stop=stop)
    assert encoded == [30 * SAMPLE_RATE]                                 # the other three never ran
    encoded.clear()
    assert encoded_frames(recording, stop=threading.Event()).shape == (4 * 1500, 384)
    assert encoded == [30 * SAMPLE_RATE] * 3 + [5 * SAMPLE_RATE]


def test_the_speech_analyzer_hands_its_stop_to_the_window_features(monkeypatch):
    import threading

    from emotion.errors import AnalysisStopped
    from emotion.speech import SpeechAnalyzer

    seen = []

    class StoppedModel:
        def describe_windows(self, samples, spans, c, stop=None):
            seen.append(stop)
            raise AnalysisStopped("no longer wanted")

    analyzer = SpeechAnalyzer()
    monkeypatch.setattr(SpeechAnalyzer, "model", property(lambda self: StoppedModel()))
    stop = threading.Event()
    with pytest.raises(AnalysisStopped):
        analyzer.analyze_audio(load_audio(sorted(AUDIO.glob("*.wav"))[0]), stop=stop)
    assert seen == [stop]


@pytest.mark.slow
def test_each_actor_s_clips_are_encoded_as_one_recording_in_a_seeded_order():
    import pandas as pd

    from training.speech_data import actor_recordings

    clips = [load_audio(path) for path in sorted(AUDIO.glob("*.wav"))] * 2
    table = pd.DataFrame({"actor": [1, 2, 1, 2, 1, 2][:len(clips)]})
    read = list(actor_recordings(clips, table, seed=3))
    assert [sorted(rows.tolist()) for rows, _, _ in read] == [[0, 2, 4], [1, 3, 5]]
    for rows, starts, frames in read:
        lengths = [len(clips[row]) for row in rows]
        assert starts.tolist() == np.cumsum([0] + lengths[:-1]).tolist()
        assert frames.shape == (int(np.ceil(sum(lengths) / 320)), 384)
    again = [rows.tolist() for rows, _, _ in actor_recordings(clips, table, seed=3)]
    assert again == [rows.tolist() for rows, _, _ in read]
