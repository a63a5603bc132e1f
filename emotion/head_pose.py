"""What one frame's landmarks say about the head and the eyes: head pose, where the eyes point
within the head, whether the person looks at the camera, and whether the eyes are closed.

Angles are degrees. yaw: head turned to the person's left is positive (the nose moves to the
image's right). pitch: head raised is positive. roll: the head tilted counter-clockwise in the
picture is positive (towards the person's right shoulder; the sense of a positive angle in
``cv2.getRotationMatrix2D``).
"""
from dataclasses import dataclass

import numpy as np

from emotion.face_mesh import FaceLandmarks

# Generic 3D face of the widely used OpenCV head-pose example (S. Mallick, "Head Pose
# Estimation using OpenCV and Dlib", LearnOpenCV, 2016), arbitrary units, re-expressed in
# camera axes (x to the image's right, y down, z away from the camera) so a frontal face
# reads the identity rotation. Paired with Face Mesh indices: nose tip, chin, outer corner
# of the person's right eye (image left) and left eye, mouth corners.
MODEL_POINTS = np.array([
    (0.0, 0.0, 0.0), (0.0, 330.0, 65.0),
    (-225.0, -170.0, 135.0), (225.0, -170.0, 135.0),
    (-150.0, 150.0, 125.0), (150.0, 150.0, 125.0),
])
MESH_POINTS = (1, 152, 33, 263, 61, 291)
# The generic face's points sit differently from the mesh's (its mouth corners and chin are
# lower), so a frontal face reads pitched down: the median over 276 FER2013 faces, mostly
# posed for the camera, is -9.7 degrees. Taken off every pitch; measured, not published.
PITCH_ZERO = -9.7

# Eye in head: the iris sits on a ball of ~12 mm radius in an eye opening ~30 mm from corner
# to corner, so turning the eye by t moves the iris centre by ~12 sin t / 30 = 0.4 sin t eye
# widths (anatomical averages, e.g. Atchison & Smith, "Optics of the Human Eye", 2000).
IRIS_SHIFT_PER_SINE = 0.4
# Where the iris centre rests, in eye widths, for an eye looking straight ahead: along the
# corner line from the outer corner, and above that line. Measured as the median over 300
# FER2013 faces (276 read, training/validate_gaze.py), not taken from the literature.
IRIS_REST_ALONG = 0.5
IRIS_REST_ABOVE = 0.055
# Looking at the camera: the line of sight (head + eyes) within these angles of the line to
# the camera. People judge eye contact within about 1 degree sideways and above, but up to
# ~5-10 degrees below (Chen 2002, "Leveraging the asymmetric sensitivity of eye contact for
# videoconferencing", CHI), and a webcam sits above the screen, so a look at the top of the
# screen, where a call shows the interviewer's face, lands 5-15 degrees below the lens. We
# cannot tell those apart (frame-to-frame jitter alone is ~1.5 degrees, a face's offset from
# the generic model several; see models/gaze/README.md), so the cone is widened and counts a
# look at the top of the screen as at the camera; a look at notes on the desk, at a phone or
# out of the window stays outside. Our own choice.
CAMERA_YAW_TOLERANCE = 12.0
CAMERA_PITCH_ABOVE = 10.0
CAMERA_PITCH_BELOW = 18.0
# Eyes closed: the eye aspect ratio (EAR) of Soukupova & Cech (2016, "Real-Time Eye Blink
# Detection using Facial Landmarks"), mean of both eyes, below 0.2, the fixed threshold their
# paper starts from. Read on the iris model's eyelid contour, which closes in a blink (open
# ~0.31, blink 0.09-0.16 on the fixture video woman2.mp4); the 468-point mesh's own eyelids
# barely move (0.24-0.27 through the same blinks), so they are not used.
EYES_CLOSED_EAR = 0.20
# Soukupova & Cech's six points p1..p6 on the iris model's contour (the same order for both
# eyes, as the person's left eye is read mirrored): outer corner, two upper-lid points, inner
# corner, two lower-lid points (mesh points 33, 160, 158, 133, 153, 144 of the right eye).
EAR_POINTS = (0, 11, 13, 8, 5, 3)

@dataclass(frozen=True)
class HeadPose:
    yaw: float
    pitch: float
    roll: float
    camera_yaw: float     # the head pose that faces the camera, from where the face is
    camera_pitch: float


@dataclass(frozen=True)
class EyeDirection:
    """Eyes within the head, both eyes averaged: iris shift in eye widths and the angles
    it stands for (positive: towards the person's left / upwards)."""

    along: float
    above: float
    yaw: float
    pitch: float


EYES_AHEAD = EyeDirection(along=0.0, above=0.0, yaw=0.0, pitch=0.0)


def head_pose(landmarks: FaceLandmarks, frame_size: tuple[int, int]) -> HeadPose | None:
    """Head pose from six mesh points fitted to the generic face with ``cv2.solvePnP``, for a
    pinhole camera whose focal length is the frame width (a ~53 degree horizontal view,
    typical of webcams) and no lens distortion."""
    import cv2

    width, height = frame_size
    camera = np.array([[width, 0, width / 2], [0, width, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = landmarks.mesh[list(MESH_POINTS), :2].astype(np.float64)
    # Start from a frontal face at the distance its eye span implies: left to itself the
    # iterative solver now and then settles on a mirror solution behind the camera.
    span = float(np.linalg.norm(image_points[3] - image_points[2])) or 1.0
    depth = width * (MODEL_POINTS[3, 0] - MODEL_POINTS[2, 0]) / span
    nose = image_points[0]
    translation = np.array([[(nose[0] - width / 2) * depth / width], [(nose[1] - height / 2) * depth / width], [depth]])
    ok, rotation_vector, translation = cv2.solvePnP(MODEL_POINTS, image_points, camera, None, np.zeros((3, 1)),
                                                    translation, useExtrinsicGuess=True,
                                                    flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok or translation[2, 0] <= 0:
        return None
    rotation, _ = cv2.Rodrigues(rotation_vector)
    nose = -rotation[:, 2]            # out of the face, towards the camera when frontal
    across = rotation[:, 0]           # from the person's right ear to their left
    tx, ty, tz = translation[:, 0]
    return HeadPose(
        yaw=float(np.degrees(np.arctan2(nose[0], -nose[2]))),
        pitch=float(np.degrees(np.arctan2(-nose[1], np.hypot(nose[0], nose[2])))) - PITCH_ZERO,
        roll=float(np.degrees(np.arctan2(-across[1], across[0]))),
        camera_yaw=float(np.degrees(np.arctan2(-tx, tz))),
        camera_pitch=float(np.degrees(np.arctan2(ty, tz))),
    )


def eye_direction(landmarks: FaceLandmarks) -> EyeDirection:
    """Iris centre against the eye corners (from the iris model's contour), both eyes."""
    alongs, aboves = [], []
    for index, eye in enumerate(landmarks.eyes):
        outer, inner, centre = eye.contour[0, :2], eye.contour[8, :2], eye.iris[0, :2]
        axis = inner - outer
        length2 = float(axis @ axis) or 1.0
        offset = centre - outer
        along = float(offset @ axis) / length2            # 0 outer corner, 1 inner corner
        above = float(axis[0] * offset[1] - axis[1] * offset[0]) / length2
        # Towards the image's right is towards the person's left: the right eye's inner
        # corner, the left eye's outer one. Above: image y grows downwards; the left eye's
        # axis runs right to left, which flips the cross product's sign.
        alongs.append(along - IRIS_REST_ALONG if index == 0 else IRIS_REST_ALONG - along)
        aboves.append(-above if index == 0 else above)
    along, above = float(np.mean(alongs)), float(np.mean(aboves)) - IRIS_REST_ABOVE
    return EyeDirection(along=along, above=above, yaw=_eye_angle(along), pitch=_eye_angle(above))


def _eye_angle(shift: float) -> float:
    return float(np.degrees(np.arcsin(np.clip(shift / IRIS_SHIFT_PER_SINE, -1.0, 1.0))))


def looking_at_camera(pose: HeadPose, eyes: EyeDirection) -> bool:
    """Head and eyes together point at the camera within the tolerance above."""
    yaw_off = pose.yaw + eyes.yaw - pose.camera_yaw
    pitch_off = pose.pitch + eyes.pitch - pose.camera_pitch
    return abs(yaw_off) <= CAMERA_YAW_TOLERANCE and -CAMERA_PITCH_BELOW <= pitch_off <= CAMERA_PITCH_ABOVE


def eye_aspect_ratio(landmarks: FaceLandmarks) -> float:
    """Soukupova & Cech's (|p2-p6| + |p3-p5|) / (2 |p1-p4|), mean of both eyes."""
    ratios = []
    for eye in landmarks.eyes:
        p1, p2, p3, p4, p5, p6 = eye.contour[list(EAR_POINTS), :2]
        width = float(np.linalg.norm(p1 - p4)) or 1.0
        ratios.append((np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5)) / (2 * width))
    return float(np.mean(ratios))


def eyes_closed(landmarks: FaceLandmarks) -> bool:
    return eye_aspect_ratio(landmarks) < EYES_CLOSED_EAR
