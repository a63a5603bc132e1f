"""Text path speed: scoring a 1,000-word answer and extracting a 5-page PDF.

    .venv/bin/python -m bench.bench_text [--runs 15]

Prints the median and spread of each, measured in one run, after the model is loaded.
"""
import argparse
import csv
import os
import statistics
import time
from pathlib import Path

from emotion import text as text_analysis
from emotion.personality import PersonalityAnalyzer
from interview.documents import extract_pdf_text
from bench.timing import timed_ms
from tests.pdf_factory import text_pdf

DATASETS = Path(os.environ.get("POISE_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"))


def thousand_word_answer() -> str:
    with open(DATASETS / "fixtures" / "text" / "essays_sample.csv", newline="", encoding="utf-8") as f:
        words = " ".join(row["TEXT"] for row in csv.DictReader(f)).split()
    while len(words) < 1000:
        words = words + words
    return " ".join(words[:1000])




def describe(name: str, times: list[float]) -> None:
    quartiles = statistics.quantiles(times, n=4)
    print(f"{name:<38} median {statistics.median(times):8.1f} ms   "
          f"IQR {quartiles[0]:.1f}-{quartiles[2]:.1f} ms   runs {len(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    answer = thousand_word_answer()
    analyzer = PersonalityAnalyzer()
    start = time.perf_counter()
    analyzer.analyze(answer)
    print(f"{'model load + first analysis':<38} {(time.perf_counter() - start) * 1000:8.1f} ms")

    paragraphs = [answer[i:i + 700] for i in range(0, 2800, 700)]
    pdf = text_pdf(paragraphs, pages=5)
    print(f"answer: {text_analysis.word_count(answer)} words; PDF: 5 pages, {len(pdf) / 1024:.0f} KiB, "
          f"{text_analysis.word_count(extract_pdf_text(pdf))} words")

    describe("score a 1,000-word answer (Big Five)", timed_ms(lambda: analyzer.analyze(answer), args.runs))
    describe("top 15 words of a 1,000-word answer", timed_ms(lambda: text_analysis.top_words(answer), args.runs))
    describe("extract text from a 5-page PDF", timed_ms(lambda: extract_pdf_text(pdf), args.runs))


if __name__ == "__main__":
    main()
