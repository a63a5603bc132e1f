"""Result types of the speech analyzer: small, frozen, ``dataclasses.asdict``-friendly."""
from dataclasses import dataclass

# The face model's emotions where they overlap, in the face model's order, then the rest.
SPEECH_CLASSES = ("neutral", "happy", "sad", "angry", "fearful", "disgust", "surprised")


@dataclass(frozen=True)
class SpeechWindow:
    """One analysis window: its span in seconds and, if it holds speech, 7 probabilities."""

    start: float
    end: float
    speech: bool                                 # False: silence, not classified
    probabilities: dict[str, float] | None = None

    @property
    def dominant(self) -> str | None:
        if not self.probabilities:
            return None
        return max(self.probabilities, key=self.probabilities.get)


@dataclass(frozen=True)
class SpeechSummary:
    mean_probabilities: dict[str, float]         # over the windows with speech
    dominant_emotion: str
    speech_windows: int
    silent_windows: int
    duration_seconds: float
    strongest_moment: float | None = None        # start of the most confident window


@dataclass(frozen=True)
class Pause:
    start: float
    end: float


@dataclass(frozen=True)
class DeliveryMeasures:
    """How the answer was delivered, with no transcript. Units are in the field names."""

    duration_seconds: float
    speaking_time_seconds: float
    speaking_share: float                        # 0-1 of the recording
    pause_count: int                             # silences of at least min_pause_seconds inside speech
    pause_mean_seconds: float
    pause_longest_seconds: float
    syllable_count: int
    speaking_rate_syllables_per_second: float    # over the whole recording
    articulation_rate_syllables_per_second: float  # over the time spent speaking
    pitch_median_hz: float | None
    pitch_median_semitones_re_100hz: float | None
    pitch_range_semitones: float | None          # 5th to 95th percentile of voiced frames
    loudness_mean_db: float                      # over speaking frames, dB full scale
    loudness_variation_db: float                 # standard deviation over speaking frames
    pauses: tuple[Pause, ...] = ()


@dataclass(frozen=True)
class SpeechAnalysis:
    timeline: tuple[SpeechWindow, ...]
    summary: SpeechSummary
    model_name: str
