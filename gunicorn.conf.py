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
    from emotion.personality import get_analyzer

    try:
        get_analyzer().analyze("A short warm-up sentence so the model is built and traced.")
    except Exception:  # a missing model must not stop the worker: pages still work, and say so
        worker.log.exception("Could not load the personality model")
