"""What the recogniser's decoding settings cost and buy, side by side in one run (issue 19: the
transcript is most of a video answer's analysis time).

    .venv/bin/python -m bench.bench_transcript_settings [--settings shipped greedy ...] [--runs 3]

For each setting: word error rate and filler recall on the ``asr/`` folder (as
``python -m training.evaluate transcript``), transcription time per second of audio over the
folder, and the median times of three answers: the two ``asr/`` monologues joined into 80 s
(acoustic, cold, acoustic, as tests/test_transcribe.py builds it), and the sound of the fixture
``av/timeline_1.webm`` (21 s: six acted RAVDESS sentences between pauses, where the decoder
loops and falls back to higher temperatures), and the 45 s sound of ``bench.bench_video_answer``'s
answer (the monologues again, through Opus, cut mid-word at the end). Settings alternate clip by
clip, so machine noise hits them alike. Times are for 2 CPU cores unless the machine has more.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_video_answer import spoken_answer_clip
from emotion.audio import SAMPLE_RATE, load_audio
from emotion.transcribe import get_transcriber
from tests.conftest import DATASETS, FIXTURES
from training.transcript_eval import read_manifest, score

ASR = DATASETS / "asr"
# name: faster-whisper settings over the shipped ones (emotion.transcribe.DECODING); "re_read_tail"
# is Transcriber.transcribe's own (True: the tail after a window that heard the end is decoded
# again alone, as faster-whisper does and Poise did until issue 19's second session)
SETTINGS = {
    "shipped": {},
    "tail re-read": {"re_read_tail": True},
    "before 2026-11-30": {"temperature": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], "best_of": 5, "re_read_tail": True},
    "greedy": {"beam_size": 1},
    "beam 2": {"beam_size": 2},
    # when a window fails Whisper's checks (a loop: compression ratio over 2.4) it is decoded
    # again at rising temperatures, each time sampling best_of=5 candidates to the token limit
    "fewer fallbacks": {"temperature": [0.0, 0.4, 0.8]},
    "fallbacks best of 1": {"best_of": 1},
    "fewer, best of 1": {"temperature": [0.0, 0.4, 0.8], "best_of": 1},
    "fewer, best of 1, 160 tokens": {"temperature": [0.0, 0.4, 0.8], "best_of": 1, "max_new_tokens": 160},
    "fewer, best of 1, 128 tokens": {"temperature": [0.0, 0.4, 0.8], "best_of": 1, "max_new_tokens": 128},
}


def long_answer() -> np.ndarray:
    monologues = [load_audio(ASR / "clips" / name) for name in
                  ("mfa_acoustic_corpus.wav", "mfa_cold_corpus.wav", "mfa_acoustic_corpus.wav")]
    pause = np.zeros(SAMPLE_RATE // 2, np.float32)
    return np.concatenate([monologues[0], pause, monologues[1], pause, monologues[2]])


def timed(transcriber, samples: np.ndarray, setting: dict):
    decoding = dict(setting)
    re_read_tail = decoding.pop("re_read_tail", False)
    started = time.perf_counter()
    transcript = transcriber.transcribe(samples, decoding=decoding, re_read_tail=re_read_tail)
    return transcript, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--runs", type=int, default=2, help="runs of each answer per setting")
    args = parser.parse_args()
    transcriber = get_transcriber()
    table = read_manifest(ASR)
    clips = [load_audio(ASR / path) for path in table["file"]]
    transcriber.transcribe(clips[0])   # warm-up: the model loaded once
    texts = {name: [] for name in args.settings}
    seconds = {name: 0.0 for name in args.settings}
    for clip in clips:
        for name in args.settings:
            transcript, spent = timed(transcriber, clip, SETTINGS[name])
            texts[name].append(" ".join(word.text for word in transcript.words))
            seconds[name] += spent
    with tempfile.TemporaryDirectory() as folder:   # the sound of bench.bench_video_answer's answer
        spoken = load_audio(spoken_answer_clip(Path(folder), 45.0))
    answers = {"monologues": long_answer(), "answer": spoken, "acted": load_audio(FIXTURES / "av" / "timeline_1.webm")}
    answer_times = {(answer, name): [] for answer in answers for name in args.settings}
    for _ in range(args.runs):
        for answer, samples in answers.items():
            for name in args.settings:
                answer_times[answer, name].append(timed(transcriber, samples, SETTINGS[name])[1])
    audio_seconds = sum(len(clip) for clip in clips) / SAMPLE_RATE
    print(f"asr/: {len(clips)} clips, {audio_seconds:.0f} s; answers (medians of {args.runs}): "
          + ", ".join(f"{answer} {len(samples) / SAMPLE_RATE:.0f} s" for answer, samples in answers.items()))
    for name in args.settings:
        scores = score(table, texts[name])
        line = (f"{name:<24} WER {scores['wer']:.3f}  fillers recall {scores['filler_recall'] or 0:.2f} "
                f"precision {scores['filler_precision'] or 0:.2f}  asr/ {seconds[name] / audio_seconds:.3f} x")
        for answer, samples in answers.items():
            median = statistics.median(answer_times[answer, name])
            line += f"  {answer} {median:4.1f} s = {median / (len(samples) / SAMPLE_RATE):.3f} x"
        print(line)


if __name__ == "__main__":
    main()
