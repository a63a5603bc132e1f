"""The fused face-and-voice reading of a video answer, as the report shows it (issue 19):
its stretches merged where the reading and what it rests on stay the same, each with how much
of the evidence the face carried there."""
from dataclasses import dataclass

SOURCE_LABELS = {"both": "face and voice", "voice": "voice only: no face in view",
                 "face": "face only: no speech"}


@dataclass(frozen=True)
class FusedStretch:
    start: float
    end: float
    emotion: str
    source: str
    face_share: float | None = None   # the face's mean share of the evidence, where both were read

    @property
    def source_label(self) -> str:
        label = SOURCE_LABELS.get(self.source, self.source)
        if self.face_share is None:
            return label
        face = round(self.face_share * 100)
        return f"{label} (face {face}%, voice {100 - face}%)"


def fused_stretches(fusion: dict | None) -> list[FusedStretch]:
    """Consecutive windows with the same emotion and source, as one stretch each. A window
    stands for the time until the next one starts (windows overlap: 3 s, every second)."""
    windows = (fusion or {}).get("windows") or []
    runs: list[dict] = []
    for index, window in enumerate(windows):
        end = windows[index + 1]["start"] if index + 1 < len(windows) else window["end"]
        emotion = max(window["probabilities"], key=window["probabilities"].get)
        share = window.get("face_contribution")
        last = runs[-1] if runs else None
        if last and last["emotion"] == emotion and last["source"] == window["source"] and last["end"] >= window["start"]:
            last["end"] = end
        else:
            last = {"start": window["start"], "end": end, "emotion": emotion, "source": window["source"], "shares": []}
            runs.append(last)
        if share is not None:
            last["shares"].append(share)
    return [FusedStretch(run["start"], run["end"], run["emotion"], run["source"],
                         sum(run["shares"]) / len(run["shares"]) if run["shares"] else None) for run in runs]
