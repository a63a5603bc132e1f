"""The speech model card's tables, as markdown, from models/speech/metrics.json.

    .venv/bin/python -m training.speech_report [--metrics models/speech/metrics.json]

Prints the table of every model on both splits (with the calibration of those whose
probabilities were measured) and the shipped model's per-class figures and confusion matrices;
paste them into models/speech/MODEL_CARD.md so the card repeats the run's figures exactly.
"""
import argparse
import json
from pathlib import Path

from emotion.speech_types import SPEECH_CLASSES

METRICS = Path(__file__).resolve().parent.parent / "models" / "speech" / "metrics.json"


def models_table(models: dict) -> list[str]:
    lines = ["| model | actor-grouped CV acc | actor-grouped CV macro-F1 | random split acc | random split macro-F1 "
             "| ECE / mean top probability (actor CV) | actor-CV fold accuracies |",
             "|---|---|---|---|---|---|---|"]
    for name, entry in models.items():
        actor, random = entry["actor_cv"], entry["random_split"]
        measured = actor.get("calibration")
        calibration = f"{measured['ece']:.3f} / {measured['mean_top_probability']:.3f}" if measured else ""
        folds = ", ".join(f"{value:.3f}" for value in actor["fold_accuracy"])
        lines.append(f"| {name} | {actor['accuracy']:.3f} | {actor['macro_f1']:.3f} | {random['accuracy']:.3f} "
                     f"| {random['macro_f1']:.3f} | {calibration} | {folds} (n={actor['n']}) |")
    return lines


def class_tables(result: dict, title: str) -> list[str]:
    lines = [f"### Shipped model, per class — {title} (n = {result['n']:,})", "| class | F1 | recall |", "|---|---|---|"]
    lines += [f"| {name} | {figures['f1']:.3f} | {figures['recall']:.3f} |" for name, figures in result["per_class"].items()]
    lines += ["", "confusion (rows true, columns predicted)",
              "| true \\ pred | " + " | ".join(SPEECH_CLASSES) + " |", "|---" * (len(SPEECH_CLASSES) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(str(count) for count in row) + " |"
              for name, row in zip(SPEECH_CLASSES, result["confusion"])]
    return lines + [""]


def report(metrics: dict) -> str:
    shipped = metrics["models"][metrics["shipped"]]
    lines = [f"Shipped: `{metrics['shipped']}` ({metrics['selection']}).", ""]
    lines += models_table(metrics["models"]) + [""]
    lines += class_tables(shipped["actor_cv"], "actor-grouped CV")
    lines += class_tables(shipped["random_split"], "random split")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics", type=Path, default=METRICS)
    args = parser.parse_args(argv)
    print(report(json.loads(args.metrics.read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
