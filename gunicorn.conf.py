"""gunicorn settings: `gunicorn -c gunicorn.conf.py "app:create_app()"`.

Models are never loaded before the fork (TensorFlow state does not survive it); each worker
loads them once, right after it starts, so the first request does not pay for the load.
"""
import os

bind = os.environ.get("POISE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("POISE_WORKERS", "2"))
threads = int(os.environ.get("POISE_THREADS", "4"))
timeout = 120
preload_app = False
accesslog = "-"


def post_worker_init(worker):
    """Load every model once in this worker, after the fork, so no request pays for it."""
    import numpy as np

    from emotion import get_face_analyzer, get_text_analyzer, get_voice_analyzer
    from emotion.face_detector import FACE_SIZE

    # Through the entry points the web code uses, so the models warmed are the ones that serve.
    warm_ups = {
        "personality": lambda: get_text_analyzer().analyze("A short warm-up sentence for the model."),
        "face": lambda: get_face_analyzer().model.predict(np.zeros((1, FACE_SIZE, FACE_SIZE), np.uint8)),
        "speech": lambda: get_voice_analyzer().speech.model,
    }
    for name, warm_up in warm_ups.items():
        try:
            warm_up()
        except Exception:  # a missing model must not stop the worker: other pages still work
            worker.log.exception("Could not load the %s model", name)
