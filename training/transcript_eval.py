"""Score the shipped speech-to-text on a folder of clips with reference transcripts.

    python -m training.evaluate transcript FOLDER
    python -m training.transcript_eval FOLDER [--prompt none|TEXT] [--keep-silent-ending]   (other settings)

FOLDER holds ``manifest.csv`` with ``file`` (relative to the folder) and ``reference`` columns,
as in the ``asr/`` data set; ``style`` / ``style_detail`` / ``speaker`` are used when present.
Both sides are normalised alike (:func:`normalise`), the word error rate is corpus-level
(jiwer, all clips together), and fillers are matched by count per clip: a recognised "um"
where the reference has "uh" still counts, a filler said but not written does not.
"""
import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

from emotion.errors import ModelUnavailable
from emotion.transcript_types import filler_form

ANNOTATION = re.compile(r"<[^>]*>|\[[^\]]*\]")
NOT_A_WORD_CHARACTER = re.compile(r"[^a-z0-9' ]+")
ELICITED = "elicited-disfluency"


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation or annotation tokens; fillers in one spelling."""
    text = ANNOTATION.sub(" ", str(text).lower())
    text = NOT_A_WORD_CHARACTER.sub(" ", text.replace("-", " "))
    words = [word.strip("'") for word in text.split()]
    return [filler_form(word) or word for word in words if word]


def filler_count(words: list[str]) -> int:
    return sum(filler_form(word) is not None for word in words)


def read_manifest(folder: Path) -> pd.DataFrame:
    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        raise ValueError(f"{manifest} is missing (a CSV with file and reference columns)")
    table = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    missing = {"file", "reference"} - set(table.columns)
    if missing:
        raise ValueError(f"{manifest} lacks the column(s) {', '.join(sorted(missing))}")
    if table.empty:
        raise ValueError(f"{manifest} lists no clips")
    return table


def transcribe_folder(folder: Path, table: pd.DataFrame, transcribe) -> tuple[list[str], float, float]:
    """Hypothesis texts in manifest order, total audio seconds and total transcription seconds.
    ``transcribe(samples) -> Transcript``."""
    from emotion.audio import SAMPLE_RATE, load_audio

    hypotheses, audio_seconds, spent = [], 0.0, 0.0
    for name in table["file"]:
        samples = load_audio(folder / name)
        start = time.perf_counter()
        hypotheses.append(transcribe(samples).text)
        spent += time.perf_counter() - start
        audio_seconds += len(samples) / SAMPLE_RATE
    return hypotheses, audio_seconds, spent


def _wer(references: list[list[str]], hypotheses: list[list[str]]) -> float | None:
    import jiwer

    pairs = [(" ".join(r), " ".join(h)) for r, h in zip(references, hypotheses) if r]
    if not pairs:
        return None
    # jiwer refuses an empty hypothesis string; a lone placeholder scores the same (all deleted)
    return round(float(jiwer.wer([r for r, _ in pairs], [h or "<nothing>" for _, h in pairs])), 4)


def filler_scores(references: list[list[str]], hypotheses: list[list[str]]) -> dict:
    said = [filler_count(words) for words in references]
    heard = [filler_count(words) for words in hypotheses]
    matched = sum(min(s, h) for s, h in zip(said, heard))
    return {"filler_recall": round(matched / sum(said), 4) if sum(said) else None,
            "filler_precision": round(matched / sum(heard), 4) if sum(heard) else None,
            "fillers_reference": sum(said), "fillers_recognised": sum(heard), "fillers_matched": matched}


def score(table: pd.DataFrame, hypotheses: list[str]) -> dict:
    """WER and filler figures overall, per style, and without the acted-disfluency clips."""
    references = [normalise(text) for text in table["reference"]]
    heard = [normalise(text) for text in hypotheses]
    result = {"n": len(references), "wer": _wer(references, heard), **filler_scores(references, heard)}
    style = table["style_detail"] if "style_detail" in table else table.get("style")
    if style is not None:
        groups = defaultdict(list)
        for index, name in enumerate(style):
            groups[name or "unknown"].append(index)
        result["by_style"] = {name: {"n": len(rows), "wer": _wer([references[i] for i in rows], [heard[i] for i in rows]),
                                     "fillers_reference": sum(filler_count(references[i]) for i in rows),
                                     "fillers_recognised": sum(filler_count(heard[i]) for i in rows)}
                              for name, rows in sorted(groups.items())}
        natural = [i for i, name in enumerate(style) if name != ELICITED]
        result["without_elicited"] = filler_scores([references[i] for i in natural], [heard[i] for i in natural])
        clean = [i for i in range(len(references)) if filler_count(references[i]) == 0]
        result["fillers_on_clips_without_any"] = sum(filler_count(heard[i]) for i in clean)
    return result


def evaluate_transcript(folder: Path, transcribe=None) -> dict:
    """The figures of :func:`score` plus the real-time factor of the shipped transcriber."""
    from emotion.transcribe import get_transcriber

    table = read_manifest(folder)
    for name in table["file"]:
        if not (folder / name).is_file():
            raise ValueError(f"{folder / name} (listed in manifest.csv) is missing")
    transcriber = get_transcriber() if transcribe is None else None
    try:
        hypotheses, audio_seconds, spent = transcribe_folder(folder, table, transcribe or transcriber.transcribe)
    except ModelUnavailable as error:       # a setup problem, reported like bad data: one line, exit 2
        raise ValueError(str(error)) from error
    result = {"task": "transcript", **score(table, hypotheses),
              "real_time_factor": round(spent / audio_seconds, 4), "audio_seconds": round(audio_seconds, 1)}
    if transcriber is not None:
        result["recogniser"] = transcriber.recogniser
    return result


def main(argv: list[str] | None = None) -> int:
    """The same figures for settings other than the shipped ones (the model card's comparison)."""
    from emotion.transcribe import FILLER_PROMPT, get_transcriber
    from training.evaluate_command import run_evaluation

    parser = argparse.ArgumentParser(prog="python -m training.transcript_eval", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--prompt", default=FILLER_PROMPT, help='"none" for plain Whisper; default: the shipped prompt')
    parser.add_argument("--keep-silent-ending", action="store_true", help="keep words Whisper put over a silent ending")
    args = parser.parse_args(argv)
    prompt = None if args.prompt.lower() == "none" else args.prompt
    transcriber = get_transcriber()

    def transcribe(samples):
        return transcriber.transcribe(samples, prompt=prompt, drop_silent_ending=not args.keep_silent_ending)

    def evaluate(folder: Path) -> dict:
        result = evaluate_transcript(folder, transcribe)
        return {**result, "recogniser": transcriber.recogniser, "prompt": prompt,
                "drop_silent_ending": not args.keep_silent_ending}

    return run_evaluation("transcript", evaluate, args.folder, wants_folder=True)


if __name__ == "__main__":
    sys.exit(main())
