"""Speech to text with the real Whisper tiny.en weights on real recordings, the weights'
SHA-256 check, and ``python -m training.evaluate transcript``."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from emotion.audio import SAMPLE_RATE, load_audio
from emotion.errors import ModelUnavailable
from emotion.transcribe import WEIGHTS_SHA256, Transcriber, drop_silent_ending_words, get_transcriber, weights_folder
from emotion.transcript_types import SpokenWord
from tests.conftest import DATASETS, REPO_ROOT

pytestmark = pytest.mark.slow

ASR = DATASETS / "asr"
LIBRISPEECH = "clips/librispeech_1272-128104-0000.wav"     # "mister quilter is the apostle of the middle classes ..."
CLIPS = [LIBRISPEECH, "clips/mfa_um.wav", "clips/cmuarctic_a0024.wav"]


def manifest() -> pd.DataFrame:
    return pd.read_csv(ASR / "manifest.csv", dtype=str, keep_default_na=False).set_index("file")


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    from training.transcript_eval import normalise

    return jiwer.wer(" ".join(normalise(reference)), " ".join(normalise(hypothesis)))


def test_a_read_sentence_comes_back_with_its_words_in_order_and_inside_the_clip():
    samples = load_audio(ASR / LIBRISPEECH)
    transcript = get_transcriber().transcribe(samples)
    assert word_error_rate(manifest().loc[LIBRISPEECH, "reference"], transcript.text) < 0.3
    starts = [word.start for word in transcript.words]
    assert starts == sorted(starts)
    assert all(0 <= word.start <= word.end <= transcript.duration_seconds + 0.05 for word in transcript.words)
    assert transcript.duration_seconds == pytest.approx(len(samples) / SAMPLE_RATE, abs=0.01)
    assert not any(word.filler for word in transcript.words)          # read speech: no "uh" invented
    assert "tiny.en" in transcript.recogniser


def test_an_acted_um_is_written_and_marked_as_a_filler():
    transcript = get_transcriber().transcribe(load_audio(ASR / "clips/mfa_um.wav"))
    assert [word.text.strip(",.").lower() for word in transcript.words if word.filler] == ["um"]


def test_fillers_are_kept_past_the_first_30_second_window():
    """A long answer is decoded in 30 s windows; the filler prompt must lead each of them."""
    monologues = [load_audio(ASR / "clips" / name) for name in
                  ("mfa_acoustic_corpus.wav", "mfa_cold_corpus.wav", "mfa_acoustic_corpus.wav")]
    half_second = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    answer = np.concatenate([monologues[0], half_second, monologues[1], half_second, monologues[2]])  # 80 s
    fillers = [word.start for word in get_transcriber().transcribe(answer).words if word.filler]
    assert len(fillers) >= 8 and sum(start > 60 for start in fillers) >= 2   # the reference has 11, 3 after 60 s


def test_words_over_a_silent_ending_are_dropped_and_real_ones_kept():
    """Two seconds of silence after a sentence: nothing may be transcribed over it."""
    samples = load_audio(ASR / "clips/cmuarctic_a0024.wav")
    padded = np.concatenate([samples, np.zeros(2 * SAMPLE_RATE, dtype=np.float32)])
    transcript = get_transcriber().transcribe(padded)
    assert transcript.words and transcript.words[-1].start < len(samples) / SAMPLE_RATE
    said = [SpokenWord("Hello", 0.0, 0.5, 0.9), SpokenWord("Thank", 0.6, 0.8, 0.9), SpokenWord("you.", 0.8, 0.8, 0.9)]
    sounding = np.zeros(100, dtype=bool)
    sounding[:55] = True
    assert drop_silent_ending_words(tuple(said), sounding) == (said[0],)
    assert drop_silent_ending_words(tuple(said), np.ones(100, dtype=bool)) == tuple(said)


@pytest.fixture
def weights_copy(tmp_path):
    """The four weight files in tmp_path: the big model linked, the small ones copied."""
    source = weights_folder()
    for name in WEIGHTS_SHA256:
        if name == "model.bin":
            (tmp_path / name).symlink_to(source / name)
        else:
            shutil.copyfile(source / name, tmp_path / name)
    return tmp_path


def test_a_changed_config_is_refused_naming_the_file(weights_copy):
    config = weights_copy / "config.json"
    config.write_text(config.read_text().replace("{", "{ ", 1))
    with pytest.raises(ModelUnavailable, match="config.json differs from the published SHA-256"):
        Transcriber(weights_copy).transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32))


def test_a_missing_file_is_refused_naming_it(weights_copy):
    (weights_copy / "vocabulary.txt").unlink()
    with pytest.raises(ModelUnavailable, match="vocabulary.txt is missing"):
        Transcriber(weights_copy).transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32))


def test_an_unaltered_copy_loads(weights_copy):
    transcript = Transcriber(weights_copy).transcribe(load_audio(ASR / "clips/mfa_um.wav"))
    assert "aligner" in transcript.text.lower() or "liner" in transcript.text.lower()


def evaluate(*args):
    return subprocess.run([sys.executable, "-m", "training.evaluate", "transcript", *args], capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=300)


def test_evaluate_transcript_prints_one_json_line(tmp_path):
    rows = manifest().loc[CLIPS].reset_index()
    rows["file"] = [str(ASR / name) for name in rows["file"]]        # absolute paths join as themselves
    rows.to_csv(tmp_path / "manifest.csv", index=False)
    completed = evaluate(str(tmp_path))
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["task"] == "transcript" and result["n"] == 3
    assert 0 <= result["wer"] < 0.4
    assert result["fillers_reference"] == 1 and result["filler_recall"] == 1.0 and result["filler_precision"] == 1.0
    assert 0 < result["real_time_factor"] < 2
    assert set(result["by_style"]) == {"read-audiobook", "elicited-disfluency", "read-sentence"}


def test_evaluate_transcript_refuses_bad_folders(tmp_path):
    missing = evaluate(str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "not a readable folder" in missing.stderr
    no_manifest = evaluate(str(tmp_path))
    assert no_manifest.returncode == 2 and "manifest.csv is missing" in no_manifest.stderr
    (tmp_path / "manifest.csv").write_text("file,reference\nbad.wav,hello there\n")
    (tmp_path / "bad.wav").write_text("this is not audio")
    unreadable = evaluate(str(tmp_path))
    assert unreadable.returncode == 2 and "cannot evaluate transcript" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr + no_manifest.stderr


def test_normalising_treats_both_sides_alike():
    from training.transcript_eval import normalise

    assert normalise("<cutoff-montreal> Uhh, [adif] the Well-known UMM thing.") == ["uh", "the", "well", "known", "um", "thing"]
    assert normalise("I'm here") == ["i'm", "here"]


def test_an_answer_cut_mid_word_is_read_in_two_windows_not_three():
    """A 45 s answer cut off mid-word (the monologues of bench.bench_video_answer's answer, without
    its Opus): after the second window, which heard the end, the cut word alone was decoded again,
    looping through the fallbacks to write nothing."""
    pieces = [load_audio(ASR / "clips" / name) for name in ("mfa_acoustic_corpus.wav", "mfa_cold_corpus.wav")]
    half_second = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    answer = np.concatenate([pieces[0], half_second, pieces[1], half_second, pieces[0]])[: 45 * SAMPLE_RATE]
    transcriber = get_transcriber()
    model = transcriber.whisper_model()
    windows, encode = [], model.encode

    def counted_encode(features):            # counts the windows really encoded
        encoded = encode(features)
        windows.append(1)
        return encoded
    model.encode = counted_encode
    try:
        transcript = transcriber.transcribe(answer)
        read_once = len(windows)
        windows.clear()
        transcriber.transcribe(answer, re_read_tail=True)
    finally:
        del model.encode
    assert read_once == 2 and len(windows) == 3
    assert sum(word.start > 30 for word in transcript.words) >= 20      # the second window's words
    assert transcript.words[-1].end <= 45.05
