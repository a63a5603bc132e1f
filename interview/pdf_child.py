"""The PDF sandbox's child: ``python -m interview.pdf_child MAX_PAGES CPU_SECONDS MEMORY_BYTES``.

It sets its own CPU and memory limits before it imports pdfminer, so the parent starts it
with a plain ``subprocess.run`` (no ``preexec_fn``): Python then spawns it without a real fork
of the parent, whose numerics threads may be mid-computation (issue 15, finding 1). It reads
the PDF on stdin and prints JSON on stdout: ``{"text": ...}`` or ``{"error": kind}``.
``--report-limits`` prints the limits it set instead (for tests).
"""
import io
import json
import resource
import sys


def limit_own_resources(cpu_seconds: int, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def own_limits() -> dict:
    return {"RLIMIT_AS": resource.getrlimit(resource.RLIMIT_AS)[0],
            "RLIMIT_CPU": resource.getrlimit(resource.RLIMIT_CPU)[0]}


def parse(data: bytes, max_pages: int) -> dict:
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


def main(argv: list[str]) -> None:
    max_pages, cpu_seconds, memory_bytes = (int(value) for value in argv[:3])
    limit_own_resources(cpu_seconds, memory_bytes)
    if "--report-limits" in argv:
        sys.stdout.write(json.dumps(own_limits()))
        return
    sys.stdout.write(json.dumps(parse(sys.stdin.buffer.read(), max_pages)))


if __name__ == "__main__":
    main(sys.argv[1:])
