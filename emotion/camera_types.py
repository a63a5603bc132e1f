"""Result types of what the camera sees of the candidate's delivery: gaze, head movement,
blinks, framing and light. Observable behaviour, never feelings. Small, frozen,
``dataclasses.asdict``-friendly; times are seconds from the start of the recording, angles
degrees."""
from dataclasses import dataclass

# Framing and light problems a frame can have, in the words the report and the live hint use.
FRAMING_PROBLEMS = ("too_small", "off_centre", "cut_off", "too_dark", "back_lit")


@dataclass(frozen=True)
class Detection:
    """One face found in a frame: its box (x, y, width, height in pixels), the detector's six
    keypoints in pixels (BlazeFace's order: right eye, left eye, nose tip, mouth centre, right
    ear tragion, left ear tragion; "right" is the person's right), and its score (0-1)."""

    box: tuple[int, int, int, int]
    keypoints: tuple[tuple[float, float], ...]
    score: float


@dataclass(frozen=True)
class CameraMoment:
    """One sampled frame. None where it could not be read (no face, or no landmarks)."""

    time: float
    face_found: bool
    looking_at_camera: bool | None
    yaw: float | None          # head turned to the person's left is positive
    pitch: float | None        # head raised is positive
    roll: float | None
    eyes_closed: bool | None
    framing: tuple[str, ...] = ()   # problems from FRAMING_PROBLEMS


@dataclass(frozen=True)
class Stretch:
    start: float
    end: float


@dataclass(frozen=True)
class GazeSummary:
    camera_share: float | None          # 0-1 of the frames whose gaze was read
    look_aways: tuple[Stretch, ...]     # stretches looking away from the camera
    frames_read: int


@dataclass(frozen=True)
class HeadMovement:
    label: str                          # "steady", "nodding" or "restless"
    degrees_per_second: float           # mean angular speed of the head
    nods: int


@dataclass(frozen=True)
class CameraDelivery:
    timeline: tuple[CameraMoment, ...]
    gaze: GazeSummary
    head: HeadMovement | None           # None: too few frames with a face
    blinks_per_minute: float | None
    framing: dict[str, float]           # share of sampled frames with each problem (0-1)
