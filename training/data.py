"""Loading the Essays corpus (Big Five, y/n labels) from CSV or gzip CSV."""
import os
from pathlib import Path

import numpy as np

from emotion.base import TRAIT_CODES

REPO_ROOT = Path(__file__).resolve().parent.parent
ESSAYS_TRAIN = Path("text") / "essays_train.csv.gz"


def datasets_dir() -> Path:
    """``$POISE_DATASETS``, defaulting to ``<repo>/../shared/datasets``."""
    return Path(os.environ.get("POISE_DATASETS", REPO_ROOT.parent / "shared" / "datasets"))


def load_essays(path: str | Path | None = None) -> tuple[list[str], np.ndarray]:
    """Texts and a (n, 5) 0/1 label matrix in :data:`TRAIT_CODES` order ("y" -> 1).

    Raises FileNotFoundError for a missing file and ValueError for a file without the
    expected columns.
    """
    import pandas as pd

    path = Path(path) if path is not None else datasets_dir() / ESSAYS_TRAIN
    if not path.is_file():
        raise FileNotFoundError(f"no essays file at {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in ("TEXT", *TRAIT_CODES) if column not in frame.columns]
    if missing:
        raise ValueError(f"{path} lacks the columns {', '.join(missing)}")
    labels = frame[list(TRAIT_CODES)].apply(lambda column: column.str.strip().str.lower())
    return frame["TEXT"].tolist(), (labels == "y").to_numpy(dtype=np.int64)
