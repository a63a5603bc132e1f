"""gunicorn settings: `gunicorn -c gunicorn.conf.py "app:create_app()"`.

Models are never loaded before the fork (TensorFlow state does not survive it); each worker
loads them once, right after it starts, so the first request does not pay for the load.

Slow clients: gunicorn's sync and gthread workers read each request's headers and body in the
thread that then runs the app, and gunicorn has no header or body timeout, so a client that
sends its headers and stalls holds a thread; a few dozen hold them all. Here a client socket
gives up after ``POISE_CLIENT_TIMEOUT`` seconds (15) without a byte either way, which frees
the thread, but a client that trickles a byte at a time still holds one: in production put
nginx in front (deploy/nginx.conf), which reads whole requests under its own timeouts.
"""
import os
import socket

from gunicorn.workers.gthread import ThreadWorker

bind = os.environ.get("POISE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("POISE_WORKERS", "2"))
threads = int(os.environ.get("POISE_THREADS", "4"))
timeout = 120  # a worker silent this long (not a request) is restarted
graceful_timeout = 30
keepalive = 5
preload_app = False
accesslog = "-"
# Small headers: nothing Poise serves needs more (nginx's large_client_header_buffers matches).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
CLIENT_TIMEOUT_SECONDS = float(os.environ.get("POISE_CLIENT_TIMEOUT", "15"))
# POISE_WARM_MODELS=0 leaves the models to load on first use (tests, and pages-only trials).
WARM_MODELS = os.environ.get("POISE_WARM_MODELS", "1") == "1"


class _ClientSocket(socket.socket):
    """A client connection whose blocking reads and writes give up after a pause of
    CLIENT_TIMEOUT_SECONDS (gunicorn makes sockets blocking with no timeout)."""

    __slots__ = ()

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(CLIENT_TIMEOUT_SECONDS)
        else:
            super().setblocking(False)

    def recv(self, *args):
        try:
            return super().recv(*args)
        except TimeoutError:  # a client gone quiet is treated as gone (gunicorn logs it at debug)
            return b""


class SlowClientThreadWorker(ThreadWorker):
    """gthread, with a time limit on every read and write of a client connection."""

    def enqueue_req(self, conn):
        if type(conn.sock) is socket.socket:  # a new plain connection (not TLS, not seen before)
            plain = conn.sock
            conn.sock = _ClientSocket(plain.family, plain.type, plain.proto, fileno=plain.detach())
            conn.sock.setblocking(False)
        super().enqueue_req(conn)


worker_class = SlowClientThreadWorker


def post_worker_init(worker):
    """Load every model once in this worker, after the fork, so no request pays for it."""
    if not WARM_MODELS:
        return
    import numpy as np

    from emotion import get_face_analyzer, get_text_analyzer, get_voice_analyzer
    from emotion.face_detector import FACE_SIZE

    # Through the entry points the web code uses, so the models warmed are the ones that serve.
    warm_ups = {
        "personality": lambda: get_text_analyzer().analyze("A short warm-up sentence for the model."),
        "face": lambda: get_face_analyzer().model.predict(np.zeros((1, FACE_SIZE, FACE_SIZE), np.uint8)),
        # the live overlay's detector (BlazeFace) and its framing check, on an empty preview
        "face detector": lambda: get_face_analyzer().analyze_image(np.zeros((240, 320), np.uint8)),
        "speech": lambda: get_voice_analyzer().speech.model,
    }
    for name, warm_up in warm_ups.items():
        try:
            warm_up()
        except Exception:  # a missing model must not stop the worker: other pages still work
            worker.log.exception("Could not load the %s model", name)
