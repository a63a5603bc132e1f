"""The live overlay: one small JPEG from the camera preview in, faces and top emotion out."""
import numpy as np

from emotion.face import get_face_analyzer
from emotion.media import decode_image

MAX_FRAME_BYTES = 200 * 1024
TOO_DARK_MEAN = 40  # mean grey level under which faces are rarely found


def read_frame(jpeg: bytes) -> dict:
    gray = decode_image(jpeg)
    result = get_face_analyzer().analyze_image(gray)
    faces = [{"box": list(face.box), "emotion": face.dominant, "confidence": round(face.confidence, 3)}
             for face in result.faces]
    return {"width": result.width, "height": result.height, "faces": faces,
            "too_dark": bool(np.mean(gray) < TOO_DARK_MEAN)}
