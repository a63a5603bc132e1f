"""Text out of uploaded PDFs, safely.

pdfminer runs in a child process with a wall-clock timeout and CPU and memory limits, so a
huge, circular or hostile PDF costs at most a few seconds and can never take the web worker
down with it. The child prints JSON on stdout: ``{"text": ...}`` or ``{"error": kind}``.
"""
import json
import logging
import resource
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


def _limit_child_resources(cpu_seconds: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


def _run_child(data: bytes, max_pages: int, timeout_seconds: float) -> dict:
    command = [sys.executable, "-m", "interview.documents", str(max_pages)]
    try:
        finished = subprocess.run(
            command,
            input=data,
            capture_output=True,
            cwd=PROJECT_ROOT,  # so `-m interview.documents` imports wherever the app was started
            timeout=timeout_seconds,
            preexec_fn=_limit_child_resources(int(timeout_seconds) + 1),
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


def _parse_in_this_process(data: bytes, max_pages: int) -> dict:
    """The child's work: only ever called in the sandboxed subprocess."""
    import io

    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.psexceptions import PSException

    stream = io.BytesIO(data)
    try:
        pages = sum(1 for _ in PDFPage.get_pages(stream, maxpages=max_pages + 1))
        if pages > max_pages:
            return {"error": "too_many_pages"}
        return {"text": extract_text(stream, maxpages=max_pages)}
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return {"error": "encrypted"}
    except (PSException, RecursionError, ValueError, KeyError, TypeError, AssertionError,
            IndexError, AttributeError, ZeroDivisionError, MemoryError):
        # pdfminer signals damaged structure with a spread of built-in exceptions.
        return {"error": "corrupt"}


if __name__ == "__main__":
    result = _parse_in_this_process(sys.stdin.buffer.read(), int(sys.argv[1]))
    sys.stdout.write(json.dumps(result))
