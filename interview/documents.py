"""Text out of uploaded PDFs, safely.

pdfminer runs in a child process (:mod:`interview.pdf_child`) with a wall-clock timeout and
CPU and memory limits, so a huge, circular or hostile PDF costs at most a few seconds and can
never take the web worker down with it. The child sets its limits itself, so it is started
without forking this process (a fork of a threaded process running numpy can spin forever).
"""
import json
import logging
import subprocess
import sys
from pathlib import Path

from emotion.errors import UnreadableDocument

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PDF_MAGIC = b"%PDF-"
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024

ERROR_MESSAGES = {
    "encrypted": "This PDF is password-protected. Upload a copy without a password.",
    "too_many_pages": "This PDF has more than {max_pages} pages. Upload just your cover letter or résumé.",
    "corrupt": "This PDF is damaged or incomplete and could not be read. Try exporting it again.",
    "no_text": "This PDF has no selectable text (it may be a scanned image). "
    "Upload a PDF exported from a word processor, or paste your answer instead.",
}


def extract_pdf_text(data: bytes, max_pages: int = 20, timeout_seconds: float = 10.0) -> str:
    """Return the text of a PDF, or raise UnreadableDocument with a message a person can act on."""
    if not data:
        raise UnreadableDocument("The uploaded file is empty.")
    if PDF_MAGIC not in data[:1024]:
        raise UnreadableDocument("That file is not a PDF. Upload a .pdf file, or paste your answer.")
    outcome = _run_child(data, max_pages, timeout_seconds)
    if "error" in outcome:
        message = ERROR_MESSAGES.get(outcome["error"], ERROR_MESSAGES["corrupt"])
        raise UnreadableDocument(message.format(max_pages=max_pages))
    text = outcome.get("text", "")
    if not text.strip():
        raise UnreadableDocument(ERROR_MESSAGES["no_text"])
    return text


def child_command(max_pages: int, timeout_seconds: float) -> list[str]:
    """The child sets its limits itself: no ``preexec_fn``, so no fork of this (threaded) process."""
    cpu_seconds = int(timeout_seconds) + 1
    return [sys.executable, "-m", "interview.pdf_child", str(max_pages), str(cpu_seconds), str(CHILD_MEMORY_BYTES)]


def _run_child(data: bytes, max_pages: int, timeout_seconds: float) -> dict:
    command = child_command(max_pages, timeout_seconds)
    try:
        finished = subprocess.run(
            command,
            input=data,
            capture_output=True,
            cwd=PROJECT_ROOT,  # so `-m interview.pdf_child` imports wherever the app was started
            timeout=timeout_seconds,  # kills the child when it runs late
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableDocument(
            f"This PDF took longer than {timeout_seconds:g} seconds to read and was abandoned. "
            "Try a simpler export, or paste your answer."
        ) from None
    try:
        return json.loads(finished.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        log.warning("PDF child exited %s: %s", finished.returncode, finished.stderr[-500:])
        return {"error": "corrupt"}
