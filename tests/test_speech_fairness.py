"""Men's and women's voices (issue 20): the fairness study's arithmetic, its committed figures
agreeing with the shipped model's, and the reports saying how accurate the voice model is for each."""
import dataclasses
import html
import json

import numpy as np
import pandas as pd
import pytest

from emotion.model_info import MODELS_DIR, model_info
from training.speech_fairness import centred_by_speaker, fairness_scores
from tests.test_reports import add_recorded_attempt, section, video_analysis, visible_text, voice_analysis


def test_scores_per_gender_and_the_gap():
    table = pd.DataFrame({"label": [0, 1, 0, 1, 0, 1, 0, 1], "actor": [1, 1, 3, 3, 2, 2, 4, 4]})
    predicted = np.array([0, 0, 0, 0, 0, 1, 0, 1])   # men (odd actors) 2 of 4 right, women 4 of 4
    result = fairness_scores(table, predicted)
    assert result["accuracy"] == 0.75 and result["gap_points"] == 50.0
    assert result["by_gender"]["male"]["accuracy"] == 0.5 and result["by_gender"]["female"]["accuracy"] == 1.0
    assert result["by_gender"]["male"]["recall"]["neutral"] == 1.0 and result["by_gender"]["male"]["recall"]["happy"] == 0.0


def test_centring_on_every_clip_of_a_speaker_removes_their_mean():
    actors = np.array([1, 1, 1, 2, 2, 2])
    features = {"wide": np.array([[1.0, 10], [2, 20], [3, 30], [7, 0], [8, 0], [9, 3]])}
    centred = centred_by_speaker(features, actors, None, 0)["wide"]
    for actor in (1, 2):
        np.testing.assert_allclose(centred[actors == actor].mean(axis=0), 0, atol=1e-12)
    some = centred_by_speaker(features, actors, 2, 0)["wide"]   # a baseline of 2 clips each: not all centred
    assert some.shape == (6, 2) and not np.allclose(some, centred)


def test_the_committed_figures_are_the_shipped_models():
    fairness = json.loads((MODELS_DIR / "speech" / "fairness.json").read_text())
    metrics = json.loads((MODELS_DIR / "speech" / "metrics.json").read_text())
    shipped = metrics["models"][metrics["shipped"]]["actor_cv"]
    # the same recipe on the same folds (untempered: a temperature never changes a reading)
    assert fairness["shipped"]["accuracy"] == pytest.approx(shipped["accuracy"], abs=0.002)
    groups = model_info("speech").accuracy_by_group
    assert groups == {"men's voices": fairness["shipped"]["by_gender"]["male"]["accuracy"],
                      "women's voices": fairness["shipped"]["by_gender"]["female"]["accuracy"]}
    assert fairness["shipped"]["gap_points"] == pytest.approx(
        100 * (groups["women's voices"] - groups["men's voices"]), abs=0.1)


def with_groups(voice):
    model = dataclasses.replace(voice.model, accuracy_by_group={"men's voices": 0.597, "women's voices": 0.705})
    return dataclasses.replace(voice, model=model)


@pytest.mark.parametrize("modality", ["audio", "video"])
def test_the_report_says_how_accurate_the_voice_model_is_for_men_and_women(client, auth, app, modality):
    user_id = auth.signup_and_login()
    if modality == "audio":
        result = with_groups(voice_analysis())
    else:
        result = dataclasses.replace(video_analysis(), voice=with_groups(voice_analysis()))
    attempt_id = add_recorded_attempt(app, user_id, modality, 1, result)
    caveat = html.unescape(visible_text(section(client.get(f"/attempts/{attempt_id}/report").data.decode(), "caveat")))
    assert "60% for men's voices, 70% for women's voices" in caveat
    older = add_recorded_attempt(app, user_id, modality, 1)   # stored before the figures existed
    assert "men&#39;s voices" not in client.get(f"/attempts/{older}/report").data.decode()


@pytest.mark.slow
def test_the_whisper_embedding_of_real_clips():
    from emotion.audio import load_audio
    from emotion.voice_embedding import WIDTH, whisper_embedding
    from tests.conftest import FIXTURES

    clips = sorted((FIXTURES / "audio").glob("*.wav"))
    embeddings = [whisper_embedding(load_audio(clip)) for clip in clips]
    assert all(e.shape == (WIDTH,) and e.dtype == np.float32 and np.isfinite(e).all() for e in embeddings)
    np.testing.assert_allclose(whisper_embedding(load_audio(clips[0])), embeddings[0], atol=1e-5)   # the same every time
    assert not np.allclose(embeddings[0], embeddings[1], atol=1e-2)                                 # clips differ
    assert (embeddings[0][WIDTH // 2:] > 0).all()                                                   # spreads are spreads
