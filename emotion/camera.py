"""Delivery on camera, read from sampled video frames: does the candidate look at the camera,
keep their head still, blink as people do at rest, and sit framed and lit. Observable
behaviour only, never feelings.

One :class:`CameraReader` per recording; the caller (the face detector's loop) hands it each
sampled frame with the face it found, then asks for the :class:`CameraDelivery`.
"""
import logging

import numpy as np

from emotion import head_pose
from emotion.errors import ModelUnavailable
from emotion.camera_types import (FRAMING_PROBLEMS, CameraDelivery, CameraMoment, Detection, GazeSummary,
                                  HeadMovement, Stretch)
from emotion.framing import framing_problems

log = logging.getLogger(__name__)

# Look-aways: runs of frames looking away, joined across glances back (or unread frames, such
# as a blink) shorter than MERGE_GAP, kept when they last at least MIN_LOOK_AWAY. Our own
# choice: a one-second look away is long enough for an interviewer to notice (coaches speak
# of "breaking eye contact"); a glance back of under half a second does not restore it.
MIN_LOOK_AWAY = 1.0
MERGE_GAP = 0.5
# Head movement: mean angular speed above RESTLESS_SPEED deg/s reads restless; at least
# NODDING_PER_MINUTE nods a minute (and two or more) reads nodding; else steady. A nod is a
# pitch fall of NOD_DEGREES or more followed by a rise of as much, the rise complete within
# NOD_SECONDS of the peak (about a second, plus one 5 fps sample). Our own choices: a speaker
# talking animatedly to the camera (fixtures/video/woman2.mp4) reads ~12 deg/s; the
# landmarks' jitter makes swings under ~5 degrees meaningless (models/gaze/README.md).
RESTLESS_SPEED = 15.0
NODDING_PER_MINUTE = 6.0
NOD_DEGREES = 5.0
NOD_SECONDS = 1.2
# Head speed is read from median poses over windows of this length; pitch for nods is
# smoothed over this span (see head_speed and smoothed_pitch).
SPEED_WINDOW = 0.5
PITCH_SMOOTHING = 0.2
MAX_STEP = 1.0          # frames further apart than this are not compared (a gap in the video)
MIN_HEAD_FRAMES = 5
# Blinks: a run of closed-eye frames lasting at most MAX_BLINK seconds; longer is the eyes
# shut, not a blink. A blink lasts roughly 100-400 ms (Schiffman, "Sensation and
# Perception", 2001), so at 5 sampled frames a second most blinks fall between samples:
# the rate read at 5 fps is a floor, not an estimate. Rates are given when at least
# MIN_BLINK_SECONDS of open-or-closed eyes were read.
MAX_BLINK = 0.5
MIN_BLINK_SECONDS = 10.0


class CameraReader:
    """Reads each sampled frame into a :class:`CameraMoment` and sums them up. Cheap per frame
    (one Face Mesh and two Iris inferences); the models load on the first face."""

    def __init__(self, face_mesh=None):
        self._face_mesh = face_mesh
        self._moments: list[CameraMoment] = []
        self.unavailable: str | None = None   # why the mesh could not be loaded, if it could not

    def add(self, time: float, frame_bgr: np.ndarray, detection: Detection | None) -> None:
        if self.unavailable:
            return
        try:
            self._moments.append(read_moment(time, frame_bgr, detection, self._mesh))
        except ModelUnavailable as error:   # missing or refused weights: the rest of the analysis goes on
            self.unavailable = str(error)

    def result(self) -> CameraDelivery:
        return summarise(self._moments)

    def _mesh(self):
        if self._face_mesh is None:
            from emotion.face_mesh import get_face_mesh

            self._face_mesh = get_face_mesh()
        return self._face_mesh


def read_moment(time: float, frame_bgr: np.ndarray, detection: Detection | None, mesh_source) -> CameraMoment:
    """One frame: framing always; head, gaze and eyes when the mesh confirms the face.
    ``mesh_source`` is called for the FaceMesh only when there is a face to read."""
    framing = framing_problems(frame_bgr, detection)
    landmarks = None if detection is None else mesh_source().landmarks(frame_bgr, detection)
    if landmarks is None:
        return CameraMoment(time=time, face_found=False, looking_at_camera=None, yaw=None, pitch=None,
                            roll=None, eyes_closed=None, framing=framing)
    height, width = frame_bgr.shape[:2]
    pose = head_pose.head_pose(landmarks, (width, height))
    closed = head_pose.eyes_closed(landmarks)
    looking = None if pose is None else _looking(pose, landmarks, closed)
    return CameraMoment(time=time, face_found=True, looking_at_camera=looking,
                        yaw=None if pose is None else round(pose.yaw, 1),
                        pitch=None if pose is None else round(pose.pitch, 1),
                        roll=None if pose is None else round(pose.roll, 1),
                        eyes_closed=closed, framing=framing)


def _looking(pose, landmarks, closed: bool) -> bool | None:
    """Closed (or downcast: the lids then read closed) eyes have no gaze: with the head
    itself turned away that is a look away; facing the camera it is a blink, neither."""
    if not closed:
        return head_pose.looking_at_camera(pose, head_pose.eye_direction(landmarks))
    return None if head_pose.looking_at_camera(pose, head_pose.EYES_AHEAD) else False


def summarise(moments: list[CameraMoment]) -> CameraDelivery:
    timeline = tuple(sorted(moments, key=lambda m: m.time))
    return CameraDelivery(timeline=timeline, gaze=gaze_summary(timeline), head=head_movement(timeline),
                          blinks_per_minute=blinks_per_minute(timeline), framing=framing_shares(timeline))


def sample_step(timeline: tuple[CameraMoment, ...]) -> float:
    """The usual time between samples (median); 0.2 s (5 fps) with fewer than two."""
    steps = np.diff([m.time for m in timeline])
    steps = steps[(steps > 0) & (steps <= MAX_STEP)]
    return float(np.median(steps)) if len(steps) else 0.2


def gaze_summary(timeline: tuple[CameraMoment, ...]) -> GazeSummary:
    read = [m for m in timeline if m.looking_at_camera is not None]
    if not read:
        return GazeSummary(camera_share=None, look_aways=(), frames_read=0)
    share = sum(m.looking_at_camera for m in read) / len(read)
    return GazeSummary(camera_share=round(share, 3), look_aways=look_aways(timeline), frames_read=len(read))


def look_aways(timeline: tuple[CameraMoment, ...]) -> tuple[Stretch, ...]:
    step = sample_step(timeline)
    runs: list[list[float]] = []
    for moment in timeline:
        if moment.looking_at_camera is not False:
            continue
        if runs and moment.time - runs[-1][1] <= MERGE_GAP + step + 1e-9:
            runs[-1][1] = moment.time
        else:
            runs.append([moment.time, moment.time])
    stretches = (Stretch(start=round(start, 3), end=round(end + step, 3)) for start, end in runs)
    return tuple(s for s in stretches if s.end - s.start >= MIN_LOOK_AWAY - 1e-9)


def head_movement(timeline: tuple[CameraMoment, ...]) -> HeadMovement | None:
    posed = [m for m in timeline if m.yaw is not None]
    if len(posed) < MIN_HEAD_FRAMES:
        return None
    speed = head_speed(posed)
    nods = count_nods(smoothed_pitch(posed))
    span = posed[-1].time - posed[0].time + sample_step(timeline)
    if speed > RESTLESS_SPEED:
        label = "restless"
    elif nods >= 2 and nods / span * 60 >= NODDING_PER_MINUTE:
        label = "nodding"
    else:
        label = "steady"
    return HeadMovement(label=label, degrees_per_second=round(speed, 1), nods=nods)


def head_speed(posed: list[CameraMoment]) -> float:
    """Mean angular speed (deg/s): the median pose in each SPEED_WINDOW of time, then the
    turn between neighbouring windows. The medians take out the landmarks' frame-to-frame
    jitter (~1.5 degrees), which would otherwise read as tens of degrees a second at 30 fps."""
    windows: dict[int, list[CameraMoment]] = {}
    for moment in posed:
        windows.setdefault(int(moment.time // SPEED_WINDOW), []).append(moment)
    medians = {key: np.median([[m.yaw, m.pitch, m.roll] for m in group], axis=0) for key, group in windows.items()}
    turns = [float(np.linalg.norm(medians[key + 1] - medians[key])) for key in medians if key + 1 in medians]
    return sum(turns) / (len(turns) * SPEED_WINDOW) if turns else 0.0


def smoothed_pitch(posed: list[CameraMoment]) -> list[tuple[float, float]]:
    """Pitch with the median of the samples within PITCH_SMOOTHING/2 on either side: several
    frames at 25-30 fps, the sample alone at 5 fps (where a nod is only a few samples long)."""
    times = np.array([m.time for m in posed])
    pitches = np.array([m.pitch for m in posed])
    half = PITCH_SMOOTHING / 2 + 1e-9
    return [(float(t), float(np.median(pitches[np.abs(times - t) <= half]))) for t in times]


def count_nods(pitches: list[tuple[float, float]]) -> int:
    """Down-up pitch swings: from a peak down at least NOD_DEGREES and back up at least as
    far, the rise completed within NOD_SECONDS of the peak. Turning points come from a zigzag
    with NOD_DEGREES of hysteresis, so jitter smaller than that makes no turns."""
    turns = _turning_points(pitches)
    return sum(1 for (t0, kind, _), (_, _, confirmed) in zip(turns, turns[1:])
               if kind == "peak" and confirmed - t0 <= NOD_SECONDS + 1e-9)


def _turning_points(pitches: list[tuple[float, float]]) -> list[tuple[float, str, float]]:
    """Alternating peaks and troughs (time of the extreme, kind, time the pitch had moved
    NOD_DEGREES back from it and so confirmed it); only confirmed turns are listed."""
    if not pitches:
        return []
    turns: list[tuple[float, str, float]] = []
    high = low = pitches[0]
    direction = 0    # +1 rising, -1 falling, 0 not yet known
    for time, pitch in pitches[1:]:
        high = (time, pitch) if pitch >= high[1] else high
        low = (time, pitch) if pitch <= low[1] else low
        if direction >= 0 and pitch <= high[1] - NOD_DEGREES:
            turns.append((high[0], "peak", time))
            direction, low = -1, (time, pitch)
        elif direction <= 0 and pitch >= low[1] + NOD_DEGREES:
            turns.append((low[0], "trough", time))
            direction, high = 1, (time, pitch)
    return turns


def blinks_per_minute(timeline: tuple[CameraMoment, ...]) -> float | None:
    """Blinks (closed runs of at most MAX_BLINK) per minute of frames whose eyes were read."""
    step = sample_step(timeline)
    read = [m for m in timeline if m.eyes_closed is not None]
    seconds = len(read) * step
    if seconds < MIN_BLINK_SECONDS:
        return None
    blinks, run = 0, []
    for moment in read + [None]:
        if moment is not None and moment.eyes_closed and (not run or moment.time - run[-1] <= step * 1.5):
            run.append(moment.time)
            continue
        if run and run[-1] - run[0] + step <= MAX_BLINK + 1e-9:
            blinks += 1
        run = [moment.time] if moment is not None and moment.eyes_closed else []
    return round(blinks / seconds * 60, 1)


def framing_shares(timeline: tuple[CameraMoment, ...]) -> dict[str, float]:
    total = len(timeline)
    return {problem: round(sum(problem in m.framing for m in timeline) / total, 3) if total else 0.0
            for problem in FRAMING_PROBLEMS}
