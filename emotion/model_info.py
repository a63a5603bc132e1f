"""What every shipped model says about itself (name, classes, measured accuracy, card), read
one way for all of them and once per process.

Each model folder holds a ``metrics.json`` written by its training script. The files differ
in layout (a CNN's single validation set, the speech models' actor-grouped cross-validation,
the traits' per-trait cross-validation), so :data:`HELD_OUT_FIGURES` says, per model, where
its figure for data it never saw lives; :func:`model_info` does the rest the same way.
"""
import json
from pathlib import Path
from typing import Callable

from emotion import registry
from emotion.base import FACE_CLASSES, TRAIT_CODES, TRAIT_NAMES, ModelInfo
from emotion.speech_types import SPEECH_CLASSES

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"

# model folder -> metrics.json -> (shipped name, overall accuracy, {class: accuracy or recall})
Figures = tuple[str, float | None, dict[str, float]]


def _face_figures(metrics: dict) -> Figures:
    served = metrics["served"]  # as videos read faces: the served network, or its ensemble
    return (served.get("name", metrics.get("run", "face")), served["accuracy"],
            {name: row["recall"] for name, row in served.get("per_class", {}).items()})


def _speech_figures(metrics: dict) -> Figures:
    held_out = metrics["models"][metrics["shipped"]]["actor_cv"]
    return (metrics["shipped"], held_out["accuracy"],
            {name: row["recall"] for name, row in held_out.get("per_class", {}).items()})


def _personality_figures(metrics: dict) -> Figures:
    by_trait = {TRAIT_NAMES[code]: metrics["accuracy"][code] for code in TRAIT_CODES}
    return metrics.get("model", "personality"), metrics.get("mean_accuracy"), by_trait


HELD_OUT_FIGURES: dict[str, Callable[[dict], Figures]] = {
    "face": _face_figures, "speech": _speech_figures, "personality": _personality_figures,
}
CLASSES = {
    "face": FACE_CLASSES,
    "speech": SPEECH_CLASSES,
    "personality": tuple(TRAIT_NAMES[code] for code in TRAIT_CODES),
}

def _speech_groups(model_dir: Path) -> dict[str, float]:
    """Accuracy on men's and women's voices (actor-grouped folds), from training.speech_fairness."""
    shipped = json.loads((model_dir / "fairness.json").read_text())["shipped"]["by_gender"]
    return {"men's voices": float(shipped["male"]["accuracy"]), "women's voices": float(shipped["female"]["accuracy"])}


# model folder -> its accuracy per group of people, where it has been measured
GROUP_FIGURES: dict[str, Callable[[Path], dict[str, float]]] = {"speech": _speech_groups}


def model_info(kind: str, model_dir: Path | None = None) -> ModelInfo:
    """The metadata of the model of ``kind`` ("face", "speech", "personality") in ``model_dir``
    (default ``models/KIND``). A missing or unreadable metrics file gives accuracy None, never
    an error: the reading still works, the report says its accuracy is unknown."""
    folder = Path(model_dir) if model_dir is not None else MODELS_DIR / kind
    return registry.get_or_build(f"model_info:{kind}:{folder}", lambda: _read(kind, folder))


def _read(kind: str, model_dir: Path) -> ModelInfo:
    card = model_dir / "MODEL_CARD.md"
    card_name = str(card.relative_to(REPO_ROOT)) if card.is_relative_to(REPO_ROOT) else str(card)
    try:
        metrics = json.loads((model_dir / "metrics.json").read_text())
        name, accuracy, by_class = HELD_OUT_FIGURES[kind](metrics)
    except (OSError, KeyError, ValueError, TypeError):
        return ModelInfo(name=kind, classes=CLASSES[kind], accuracy=None, card=card_name)
    try:
        groups = GROUP_FIGURES[kind](model_dir) if kind in GROUP_FIGURES else {}
    except (OSError, KeyError, ValueError, TypeError):
        groups = {}
    return ModelInfo(name=str(name), classes=CLASSES[kind],
                     accuracy=None if accuracy is None else float(accuracy),
                     accuracy_by_class={k: float(v) for k, v in by_class.items()}, card=card_name,
                     accuracy_by_group=groups)

