"""PDF extraction: good PDFs give text, every bad one gives a clear domain error."""
import pytest

from emotion.errors import UnreadableDocument
from interview.documents import extract_pdf_text
from tests.conftest import ESSAY_LIKE_ANSWER
from tests.pdf_factory import encrypted_pdf, image_only_pdf, text_pdf


def test_text_pdf_gives_its_words():
    text = extract_pdf_text(text_pdf([ESSAY_LIKE_ANSWER]))
    assert "rebuilt the way our company handled customer" in " ".join(text.split())


def test_reads_up_to_the_page_limit():
    text = extract_pdf_text(text_pdf(["Page text here."], pages=3), max_pages=3)
    assert text.count("Page text here.") == 3


def test_too_many_pages_is_refused():
    with pytest.raises(UnreadableDocument, match="more than 2 pages"):
        extract_pdf_text(text_pdf(["Page text."], pages=3), max_pages=2)


def test_encrypted_pdf_is_refused():
    with pytest.raises(UnreadableDocument, match="password-protected"):
        extract_pdf_text(encrypted_pdf(ESSAY_LIKE_ANSWER))


def test_image_only_pdf_is_refused():
    with pytest.raises(UnreadableDocument, match="no selectable text"):
        extract_pdf_text(image_only_pdf())


def test_truncated_pdf_is_refused():
    data = text_pdf([ESSAY_LIKE_ANSWER])
    with pytest.raises(UnreadableDocument, match="damaged|no selectable text"):
        extract_pdf_text(data[: len(data) // 3])


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"Just some text renamed to .pdf", "not a PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a PDF"),
])
def test_not_a_pdf(data, message):
    with pytest.raises(UnreadableDocument, match=message):
        extract_pdf_text(data)


def test_garbage_after_magic_is_refused():
    with pytest.raises(UnreadableDocument, match="damaged"):
        extract_pdf_text(b"%PDF-1.7\n" + bytes(range(256)) * 50)


def test_slow_pdf_is_abandoned_at_the_time_limit(monkeypatch):
    # A timeout of zero makes any parse late: the worker must give up, not hang.
    with pytest.raises(UnreadableDocument, match="longer than"):
        extract_pdf_text(text_pdf([ESSAY_LIKE_ANSWER]), timeout_seconds=0.001)


def test_the_child_sets_its_own_limits_and_is_started_without_preexec_fn(monkeypatch):
    # preexec_fn forces a real fork of a threaded worker (a numpy thread mid-computation can
    # then spin forever in the child's copy): the child must limit itself instead.
    import json
    import subprocess

    from interview import documents

    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(kwargs) or real_run(*args, **kwargs))
    extract_pdf_text(text_pdf([ESSAY_LIKE_ANSWER]), timeout_seconds=7)
    assert calls and all("preexec_fn" not in kwargs for kwargs in calls)
    reported = real_run(documents.child_command(20, 7) + ["--report-limits"], capture_output=True,
                        cwd=documents.PROJECT_ROOT, check=True)
    assert json.loads(reported.stdout) == {"RLIMIT_AS": documents.CHILD_MEMORY_BYTES, "RLIMIT_CPU": 8}


def test_a_pdf_that_parses_for_too_long_is_stopped_at_the_deadline():
    import time

    slow = text_pdf([ESSAY_LIKE_ANSWER * 40], pages=10)  # a few hundred pages of text: seconds to parse
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match="longer than 0.5 seconds"):
        extract_pdf_text(slow, max_pages=5000, timeout_seconds=0.5)
    assert time.monotonic() - started < 5
