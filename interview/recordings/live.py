"""The live overlay: one small JPEG from the camera preview in; faces, top emotion, and the
framing and light problems of the main face (with a plain hint) out."""
from emotion.camera_types import Detection
from emotion.face import get_face_analyzer
from emotion.framing import FRAMING_HINTS, framing_problems
from emotion.media import decode_image

MAX_FRAME_BYTES = 200 * 1024


def read_frame(jpeg: bytes) -> dict:
    gray = decode_image(jpeg)
    result = get_face_analyzer().analyze_image(gray)
    faces = [{"box": list(face.box), "emotion": face.dominant, "confidence": round(face.confidence, 3)}
             for face in result.faces]
    main = max(result.faces, key=lambda face: face.box[2] * face.box[3], default=None)
    problems = framing_problems(gray, Detection(main.box, (), 1.0) if main else None)
    return {"width": result.width, "height": result.height, "faces": faces,
            "framing": list(problems), "hint": FRAMING_HINTS[problems[0]] if problems else None,
            "too_dark": "too_dark" in problems}
