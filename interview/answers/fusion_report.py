"""The fused face-and-voice reading of a video answer, as the report shows it (issue 19):
its stretches merged where the reading and what it rests on stay the same."""
from dataclasses import dataclass

SOURCE_LABELS = {"both": "face and voice", "voice": "voice only: no face in view",
                 "face": "face only: no speech"}


@dataclass(frozen=True)
class FusedStretch:
    start: float
    end: float
    emotion: str
    source: str

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def fused_stretches(fusion: dict | None) -> list[FusedStretch]:
    """Consecutive windows with the same emotion and source, as one stretch each. A window
    stands for the time until the next one starts (windows overlap: 3 s, every second)."""
    windows = (fusion or {}).get("windows") or []
    stretches: list[FusedStretch] = []
    for index, window in enumerate(windows):
        end = windows[index + 1]["start"] if index + 1 < len(windows) else window["end"]
        emotion = max(window["probabilities"], key=window["probabilities"].get)
        last = stretches[-1] if stretches else None
        if last and last.emotion == emotion and last.source == window["source"] and last.end >= window["start"]:
            stretches[-1] = FusedStretch(last.start, end, emotion, last.source)
        else:
            stretches.append(FusedStretch(window["start"], end, emotion, window["source"]))
    return stretches
