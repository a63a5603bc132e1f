"""The live overlay's framing and light hints (issue 17), on the real detector: a JPEG of the
camera preview in; the face, its problems and one plain hint out."""
import io

import cv2
import numpy as np
import pytest

from tests.conftest import FIXTURES, csrf_token_from

pytestmark = pytest.mark.slow

FACE = FIXTURES / "face" / "fer2013_row00007_3_happy.png"


def preview(face_side: int, centre: tuple[int, int], light: float = 1.0) -> bytes:
    """A 320x240 JPEG with the fixture face (scaled to ``face_side``) at ``centre``."""
    frame = np.full((240, 320), 128, np.uint8)
    face = cv2.resize(cv2.imread(str(FACE), cv2.IMREAD_GRAYSCALE), (face_side, face_side))
    x, y = centre[0] - face_side // 2, centre[1] - face_side // 2
    frame[y:y + face_side, x:x + face_side] = face
    frame = np.clip(frame * light, 0, 255).astype(np.uint8)
    return cv2.imencode(".jpg", frame)[1].tobytes()


def send(client, jpeg: bytes) -> dict:
    response = client.post("/api/live-frame", data={"frame": (io.BytesIO(jpeg), "frame.jpg")},
                           headers={"X-CSRFToken": csrf_token_from(client.get("/questions"))},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    return response.json


def test_a_well_framed_face_gets_no_hint(client, auth):
    auth.signup_and_login()
    result = send(client, preview(130, (160, 110)))
    assert len(result["faces"]) == 1 and result["framing"] == [] and result["hint"] is None


def test_a_small_face_in_a_corner_is_told_to_move(client, auth):
    auth.signup_and_login()
    result = send(client, preview(80, (70, 70)))
    assert len(result["faces"]) == 1
    assert {"too_small", "off_centre"} <= set(result["framing"])
    assert result["hint"].startswith("Move closer")


def test_a_dark_preview_says_so(client, auth):
    auth.signup_and_login()
    result = send(client, preview(130, (160, 110), light=0.2))
    assert "too_dark" in result["framing"] and result["too_dark"] is True
    assert "light" in result["hint"]
