"""What a video report shows of the camera's reading of the delivery: eye contact with the
look-away stretches, head movement, blinks, framing and light, next to other candidates'."""
from dataclasses import dataclass, field

from emotion.camera_types import FRAMING_PROBLEMS
from interview.answers.measures import CAMERA, Measure, measure

# Plain words for each framing problem, as the report lists them.
FRAMING_WORDS = {
    "too_small": "your face was small in the picture",
    "off_centre": "your face was off-centre",
    "cut_off": "the frame's edge cut your face",
    "too_dark": "your face was in the dark",
    "back_lit": "the background was much brighter than your face",
}
HEAD_WORDS = {
    "steady": "Steady: your head moved little.",
    "nodding": "Nodding: your head moved mostly in nods.",
    "restless": "Restless: your head moved a lot, and not mostly in nods.",
}
FRAMING_NOTED_FROM = 0.1   # a problem in at least a tenth of the answer is worth a line


@dataclass(frozen=True)
class FramingLine:
    problem: str
    words: str
    share: float            # 0-1 of the sampled frames


@dataclass
class CameraReport:
    camera: dict | None                     # the stored CAMERA (interview.results), None when none
    missing_reason: str | None
    rows: list = field(default_factory=list)          # ComparedValue per measure in CAMERA
    measures: list[Measure] = field(default_factory=list)
    head_words: str | None = None
    framing: list[FramingLine] = field(default_factory=list)


def build_camera_report(details: dict, compare) -> CameraReport:
    """``details`` are the stored details (any schema, read by interview.results); ``compare``
    the report's :class:`interview.answers.reports.Comparer`."""
    camera = details.get("camera")
    report = CameraReport(camera=camera, missing_reason=details.get("camera_missing_reason"))
    if not camera:
        return report
    report.rows = [row for item in CAMERA if (row := compare.row(item.name))]
    report.measures = [measure(row.name) for row in report.rows]
    if camera.get("head"):
        report.head_words = HEAD_WORDS.get(camera["head"]["label"])
    shares = camera.get("framing") or {}
    report.framing = [FramingLine(problem, FRAMING_WORDS[problem], shares[problem]) for problem in FRAMING_PROBLEMS
                      if shares.get(problem, 0) >= FRAMING_NOTED_FROM]
    return report
