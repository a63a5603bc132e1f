"""``python -m training.evaluate fusion FOLDER``: the fused reading of labelled audio-visual
clips, against each channel alone.

FOLDER holds the clips and labels.csv with ``file`` (a name without extension: FILE.webm or
FILE.mp4 is read), ``face_emotion`` and ``voice_emotion``, and optionally ``start`` and ``end``
(seconds; a row per labelled stretch, as fixtures/av/timeline_1 has; empty: the whole clip).
Each clip is read once by the served face and voice analyzers, then each row's stretch is read
by the served fusion (emotion/fusion.py). ``accuracy``: the fused emotion against
``face_emotion``; ``face_only_accuracy`` against ``face_emotion``; ``voice_only_accuracy``
against ``voice_emotion`` (RAVDESS names accepted: fearful, surprised, calm as neutral).
"""
from pathlib import Path

import numpy as np

from emotion.base import FACE_CLASSES
from emotion.fusion import VOICE_NAMES

NAMES = {**VOICE_NAMES, "calm": "neutral"}


def emotion_name(value, column: str) -> str:
    name = NAMES.get(str(value).strip().lower(), str(value).strip().lower())
    if name not in FACE_CLASSES:
        raise ValueError(f"labels.csv: {column} {value!r} is not one of {', '.join(FACE_CLASSES)}")
    return name


def clip_file(folder: Path, name: str) -> Path:
    for suffix in (".webm", ".mp4", ""):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    raise ValueError(f"labels.csv names {name!r}, but there is no {name}.webm or {name}.mp4 in {folder}")


def read_clip(path: Path):
    from emotion.face import get_face_analyzer
    from emotion.voice import get_voice_analyzer

    return get_face_analyzer().analyze_video(path).timeline, get_voice_analyzer().analyze(path, read_words=False).timeline


def evaluate_fusion(folder: Path) -> dict:
    import pandas as pd

    from emotion.fusion import get_fusion_reader

    table = pd.read_csv(Path(folder) / "labels.csv")
    missing = {"file", "face_emotion", "voice_emotion"} - set(table.columns)
    if missing:
        raise ValueError(f"labels.csv lacks the columns {', '.join(sorted(missing))}")
    reader, readings, hits = get_fusion_reader(), {}, {"fused": [], "face": [], "voice": []}
    for row in table.itertuples(index=False):
        face_truth, voice_truth = emotion_name(row.face_emotion, "face_emotion"), emotion_name(row.voice_emotion, "voice_emotion")
        if row.file not in readings:
            readings[row.file] = read_clip(clip_file(Path(folder), str(row.file)))
        start = float(getattr(row, "start", 0.0)) if pd.notna(getattr(row, "start", np.nan)) else 0.0
        end = float(getattr(row, "end", np.nan)) if pd.notna(getattr(row, "end", np.nan)) else float("inf")
        channels = reader.stretch(*readings[row.file], start, end)
        for channel, truth in (("fused", face_truth), ("face", face_truth), ("voice", voice_truth)):
            predicted = channels[channel]
            hits[channel].append(predicted is not None and FACE_CLASSES[int(np.argmax(predicted))] == truth)
    if not len(table):
        raise ValueError("labels.csv has no rows")
    share = lambda values: round(float(np.mean(values)), 4)
    return {"task": "fusion", "n": int(len(table)), "accuracy": share(hits["fused"]),
            "face_only_accuracy": share(hits["face"]), "voice_only_accuracy": share(hits["voice"])}
