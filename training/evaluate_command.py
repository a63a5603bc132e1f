"""What every evaluation command shares: check the path, score, and print one JSON line, or
report bad data on stderr with exit status 2 (no traceback). ``training.evaluate`` and
``training.evaluate_speech`` both run through :func:`run_evaluation`, so they answer alike."""
import json
import sys
from pathlib import Path
from typing import Callable

from emotion.errors import AnalysisError


def run_evaluation(task: str, evaluate: Callable[[Path], dict], path: Path, wants_folder: bool) -> int:
    if not (path.is_dir() if wants_folder else path.is_file()):
        kind = "folder" if wants_folder else "file"
        print(f"error: {path} is not a readable {kind}", file=sys.stderr)
        return 2
    try:
        result = evaluate(path)
    except (OSError, ValueError, KeyError, UnicodeDecodeError, AnalysisError) as error:
        print(f"error: cannot evaluate {task} on {path}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0
