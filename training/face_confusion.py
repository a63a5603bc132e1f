"""The face model's confusion matrix: counted, and drawn as the PNG beside its card."""
from pathlib import Path

import numpy as np

from emotion.face_network import FACE_CLASSES


def confusion(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    matrix = np.zeros((len(FACE_CLASSES), len(FACE_CLASSES)), np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def draw_confusion(matrix: np.ndarray, path: Path, title: str) -> None:
    """Row-normalised confusion matrix as a PNG, drawn with OpenCV (no plotting dependency)."""
    import cv2

    cell, left, top = 70, 110, 90
    size = len(FACE_CLASSES)
    image = np.full((top + cell * size + 20, left + cell * size + 20, 3), 255, np.uint8)
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(image, title, (10, 25), font, 0.6, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.putText(image, "rows: true class, columns: predicted (share of row)", (10, 50), font, 0.45, (60, 60, 60), 1, cv2.LINE_AA)
    for i, name in enumerate(FACE_CLASSES):
        cv2.putText(image, name, (8, top + i * cell + cell // 2 + 5), font, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(image, name[:5], (left + i * cell + 8, top - 8), font, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
        for j in range(size):
            shade = int(255 - 200 * rates[i, j])
            x, y = left + j * cell, top + i * cell
            cv2.rectangle(image, (x, y), (x + cell, y + cell), (255, shade, shade), -1)
            cv2.rectangle(image, (x, y), (x + cell, y + cell), (200, 200, 200), 1)
            color = (255, 255, 255) if rates[i, j] > 0.5 else (0, 0, 0)
            cv2.putText(image, f"{rates[i, j]:.2f}", (x + 12, y + 32), font, 0.5, color, 1, cv2.LINE_AA)
            cv2.putText(image, str(matrix[i, j]), (x + 12, y + 52), font, 0.4, color, 1, cv2.LINE_AA)
    cv2.imwrite(str(path), image)
