"""Audio-visual fusion (issue 19): the served late fusion's arithmetic, its settings, the fused
reading of hand-built analyses (stretches without a face rest on the voice and say so), and the
real models on the labelled audio-visual fixtures through the analyzer and the evaluate command."""
import json
import subprocess
import sys

import numpy as np
import pytest

from emotion.base import FACE_CLASSES
from emotion.errors import ModelUnavailable
from emotion.fusion import FUSION_FILE, FusionReader, face_order, fuse, load_settings
from tests.conftest import FIXTURES, REPO_ROOT
from tests.test_reports import video_analysis

AV = FIXTURES / "av"


def one_hot_ish(name: str, strength: float = 0.7) -> np.ndarray:
    values = np.full(len(FACE_CLASSES), (1 - strength) / (len(FACE_CLASSES) - 1))
    values[FACE_CLASSES.index(name)] = strength
    return values


def test_fusion_is_the_weighted_geometric_mean_of_the_two_channels():
    face, voice = one_hot_ish("happy", 0.9), one_hot_ish("angry", 0.5)
    fused, contribution = fuse(face, voice, 0.4)
    expected = np.exp(0.4 * np.log(face) + 0.6 * np.log(voice))
    np.testing.assert_allclose(fused, expected / expected.sum())
    assert fused.sum() == pytest.approx(1.0)
    assert FACE_CLASSES[int(fused.argmax())] == "happy"   # the surer face outweighs the unsure voice
    assert 0.5 < contribution <= 1.0
    np.testing.assert_allclose(fuse(face, voice, 1.0)[0], face)
    np.testing.assert_allclose(fuse(face, voice, 0.0)[0], voice)


def test_one_channel_missing_leaves_the_other_and_no_contribution():
    voice = one_hot_ish("sad")
    for face, channel in ((None, voice), (voice, voice)):
        fused, contribution = fuse(face, None if face is not None else voice, 0.4)
        np.testing.assert_allclose(fused, channel)
        assert contribution is None


def test_a_zero_probability_in_one_channel_does_not_veto():
    face = np.zeros(len(FACE_CLASSES))
    face[FACE_CLASSES.index("happy")] = 1.0
    fused, _ = fuse(face, one_hot_ish("angry", 0.99), 0.4)
    # the voice's near-certain anger keeps a real share where a plain product would give it 0
    assert np.isfinite(fused).all() and fused[FACE_CLASSES.index("angry")] > 0.1


def test_voice_names_map_onto_the_face_classes():
    voice = {"neutral": 0.1, "happy": 0.1, "sad": 0.1, "angry": 0.1, "fearful": 0.4, "disgust": 0.1, "surprised": 0.1}
    assert FACE_CLASSES[int(face_order(voice).argmax())] == "fear"


def test_the_shipped_settings_are_the_measured_ones():
    settings = load_settings()
    metrics = json.loads((FUSION_FILE.parent / "metrics.json").read_text())["results"]
    assert settings["face_weight"] == metrics["late_fusion"]["face_weight_all_pairs"]
    assert settings["accuracy"]["fused"] == metrics["late_fusion"]["accuracy"]
    # it shipped because it measured best of the designs compared
    assert settings["accuracy"]["fused"] > max(metrics[name]["accuracy"] for name in metrics if name != "late_fusion")


@pytest.mark.parametrize("content", ["", "{not json", '{"face_weight": 1.5}', '{"weight": 0.4}'])
def test_missing_or_damaged_settings_are_refused(tmp_path, content):
    path = tmp_path / "fusion.json"
    if content:
        path.write_text(content)
    with pytest.raises(ModelUnavailable):
        load_settings(path)


def test_a_video_reading_rests_on_the_voice_where_no_face_is_in_view(tmp_path):
    """video_analysis: faces 0-4 s (none 1.5-2.5 s); voice windows of 2 s to 10 s, 4-6 s silent."""
    answer = video_analysis()
    reading = FusionReader().read(answer.face, answer.voice)
    sources = [(window.start, window.source) for window in reading.windows]
    assert sources == [(0.0, "both"), (2.0, "both"), (4.0, "face"), (6.0, "voice"), (8.0, "voice")]
    assert reading.voice_only_share == pytest.approx(0.4) and reading.face_only_share == pytest.approx(0.2)
    assert [w.face_contribution is None for w in reading.windows] == [False, False, True, True, True]
    assert reading.dominant_emotion == "happy" and sum(reading.probabilities.values()) == pytest.approx(1, abs=1e-4)
    assert reading.accuracy == load_settings()["accuracy"]


def test_no_reading_without_both_channels():
    answer = video_analysis()
    reader = FusionReader()
    assert reader.read(answer.face, None) is None and reader.read(None, answer.voice) is None


@pytest.mark.slow
def test_a_real_clip_is_read_from_face_and_voice_together():
    from emotion.video_answer import VideoAnswerAnalyzer

    analyzer = VideoAnswerAnalyzer()
    answer = analyzer.analyze(AV / "happy_1.webm")
    assert answer.fusion is not None and answer.fusion.dominant_emotion == "happy"
    assert answer.fusion.windows and all(window.source in ("both", "face", "voice") for window in answer.fusion.windows)
    assert 0.0 <= answer.fusion.face_contribution <= 1.0
    assert analyzer.analyze(AV / "happy_1.webm", read_emotions=False).fusion is None


def evaluate(folder):
    return subprocess.run([sys.executable, "-m", "training.evaluate", "fusion", str(folder)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_evaluate_command_on_the_labelled_clips():
    done = evaluate(AV)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["task"] == "fusion" and result["n"] == 12   # 6 whole clips and 6 stretches of one
    assert set(result) == {"task", "n", "accuracy", "face_only_accuracy", "voice_only_accuracy"}
    # measured 2026-12-02 (calibrated face, face weight 0.45): fused 0.75, face alone 0.58, voice
    # alone 0.75 (2026-11-30, one face network: 0.67, 0.58, 0.75); 12 readings cannot rank fused
    # against the voice, one clip either way
    assert result["accuracy"] > result["face_only_accuracy"] and result["accuracy"] >= 0.6


@pytest.mark.parametrize("labels, message", [
    ("file,face_emotion\nhappy_1,happy\n", "voice_emotion"),
    ("file,face_emotion,voice_emotion\nhappy_1,glee,happy\n", "glee"),
    ("file,face_emotion,voice_emotion\nnot_there,happy,happy\n", "not_there"),
])
def test_the_evaluate_command_reports_bad_labels(tmp_path, labels, message):
    (tmp_path / "labels.csv").write_text(labels)
    done = evaluate(tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_voice_frames_of_a_real_clip_mark_its_silence():
    from emotion.audio import load_audio
    from emotion.fusion_features import VOICE_WIDTH, voice_frames

    samples = load_audio(FIXTURES / "audio" / "03-01-05-02-02-01-16.wav")
    frames, voiced = voice_frames(samples)
    whole_steps = (len(samples) - 400) // 160 + 1   # 25 ms frames every 10 ms
    assert frames.shape == (whole_steps // 10, VOICE_WIDTH) and frames.dtype == np.float32
    assert np.isfinite(frames).all() and 0.2 < voiced.mean() < 1.0   # speech, with silence around it
    assert not voiced[0]                                              # RAVDESS clips open on silence
    assert voice_frames(samples[:800])[0].shape == (0, VOICE_WIDTH)


@pytest.mark.slow
def test_the_design_network_reads_with_a_channel_missing():
    from training.train_fusion import encoder, fusion_network, keras_module, pretrain

    keras, rng = keras_module(), np.random.default_rng(0)
    face = rng.normal(size=(8, 6, 16)).astype(np.float32)
    voice = rng.normal(size=(8, 12, 106)).astype(np.float32)
    masks = {"face_mask": np.ones((8, 6), np.float32), "voice_mask": np.ones((8, 12), np.float32)}
    face_encoder = encoder(keras, 16, "face", face.reshape(-1, 16).mean(0), face.reshape(-1, 16).std(0))
    voice_encoder = encoder(keras, 106, "voice", np.zeros(106), np.ones(106))
    losses = pretrain(keras, face_encoder, 16, face, masks["face_mask"], epochs=3)
    assert len(losses) == 3 and all(np.isfinite(losses))
    network = fusion_network(keras, face_encoder, voice_encoder)
    for hidden in (None, "face", "voice"):
        inputs = {"face": face, "voice": voice, **masks}
        if hidden:
            inputs[f"{hidden}_mask"] = np.zeros_like(masks[f"{hidden}_mask"])
        probabilities = network.predict(inputs, verbose=0)
        assert probabilities.shape == (8, 7) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


@pytest.mark.slow
def test_masked_frame_pre_training_scores_the_hidden_frames_only():
    """The loss is taken on hidden frames only: with no frame present none is hidden and the loss
    is nothing, whatever the encoder predicts for the rest; with every frame present it is not."""
    from training.train_fusion import encoder, keras_module, pretrain

    keras, rng = keras_module(), np.random.default_rng(0)
    sequences = rng.normal(size=(16, 6, 4)).astype(np.float32)

    def first_loss(present):
        return pretrain(keras, encoder(keras, 4, "face", np.zeros(4), np.ones(4)), 4, sequences, present, epochs=1)[0]

    assert first_loss(np.zeros((16, 6), np.float32)) == 0.0
    assert first_loss(np.ones((16, 6), np.float32)) > 0.05


def test_whisper_voice_frames_are_the_mean_of_each_100_ms_of_encoder_frames():
    from emotion.fusion_features import whisper_voice_frames

    encoded = np.arange(12, dtype=np.float32)[:, None] * np.ones((1, 384), np.float32)   # frame i holds i
    pooled = whisper_voice_frames(encoded, 3)
    assert pooled.shape == (3, 384)
    np.testing.assert_allclose(pooled[:, 0], [2.0, 7.0, (10 + 11 + 11 + 11 + 11) / 5])   # a short end repeats its last
    assert whisper_voice_frames(encoded, 0).shape == (0, 384)
