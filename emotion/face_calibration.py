"""The face ensemble's probabilities made as sure as they are right (calibrated), by one temperature.

The face networks were trained with label smoothing and the full video analysis averages two
networks over 4 views of each face, so its probabilities came out less sure than it is right
(on PublicTest: top probability 0.63 on average, 69 % of faces read right). Dividing the
logarithm of the averaged probabilities by a temperature below 1 sharpens them without changing
which emotion any face reads (models/face/MODEL_CARD.md, "Calibration"). The temperature is
fitted by ``python -m training.face_ensemble --measure`` (log loss on PublicTest) and kept in
``calibration.json`` beside the served network, with the networks (by name and content) and
views it was fitted for: for any other reading (the live overlay's single network, a changed
ensemble) it does not apply and probabilities are left as they are; where the same networks have
other weights than it was fitted for, that is logged, since the fusion weight was fitted on
calibrated probabilities.
"""
import json
import logging
from pathlib import Path

import numpy as np

from emotion.errors import ModelUnavailable

log = logging.getLogger(__name__)

CALIBRATION_FILE = "calibration.json"
FLOOR = 1e-12   # probabilities are floored before the logarithm
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0   # beyond these a fit has gone wrong (training.calibration keeps within)


def reading_of(files, warps) -> dict:
    """What a temperature is fitted for: the networks by name (the served one first) and the views."""
    return {"networks": [Path(path).name for path in files], "warps": [list(map(float, warp)) for warp in warps]}


def weights_of(files) -> list[str]:
    """The networks' contents (SHA-256 of each file), in order."""
    from emotion.face_lite import sha256_of

    return [sha256_of(path) for path in files]


def fitted_temperature(files, warps) -> float:
    """The temperature in ``calibration.json`` beside ``files[0]`` when it was fitted for exactly
    these networks (names and contents) and views, else 1.0 (probabilities as they are).
    ModelUnavailable when the file is damaged."""
    listing = Path(files[0]).parent / CALIBRATION_FILE
    if not listing.is_file():
        return 1.0
    try:
        record = json.loads(listing.read_text())
        temperature = float(record["temperature"])
        fitted_for = {"networks": list(record["networks"]), "warps": [list(map(float, warp)) for warp in record["warps"]]}
        weights = list(record["sha256"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelUnavailable(f"face calibration damaged: {listing} ({error}); "
                               "refit it with python -m training.face_ensemble --measure") from error
    if not MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE:
        raise ModelUnavailable(f"face calibration damaged: temperature {temperature} ({listing})")
    if fitted_for != reading_of(files, warps):
        return 1.0   # another reading (e.g. the live overlay's): not what it was fitted for
    if weights != weights_of(files):
        log.warning("%s was fitted for other weights of %s: probabilities read uncalibrated; "
                    "refit it with python -m training.face_ensemble --measure", listing, ", ".join(fitted_for["networks"]))
        return 1.0
    return temperature


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """(N, 7) probabilities with their logarithms divided by ``temperature``, renormalised: the
    same emotion read for every face, surer below 1, less sure above."""
    if temperature == 1.0:
        return probabilities
    logs = np.log(np.maximum(probabilities, FLOOR)) / temperature
    exps = np.exp(logs - logs.max(axis=-1, keepdims=True))
    return (exps / exps.sum(axis=-1, keepdims=True)).astype(np.asarray(probabilities).dtype)
