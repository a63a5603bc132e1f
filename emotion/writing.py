"""The text entry point: a written answer's Big Five reading and its most used words."""
from pathlib import Path

from emotion import registry
from emotion import text as text_features
from emotion.base import TextAnalysis
from emotion.model_info import model_info

TOP_WORD_COUNT = 15


class TextAnalyzer:
    """Reads a written answer (typed, or the text of a PDF). The personality model loads on
    the first :meth:`analyze`, once per process."""

    def __init__(self, model_dir: Path | None = None):
        from emotion.personality import MODEL_DIR, PersonalityAnalyzer, get_analyzer

        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        # The shipped model is the process-wide one (one copy in memory, however reached).
        self.personality = get_analyzer() if model_dir is None else PersonalityAnalyzer(self.model_dir)

    def analyze(self, text: str) -> TextAnalysis:
        return TextAnalysis(personality=self.personality.analyze(text),
                            top_words=text_features.top_words(text, TOP_WORD_COUNT),
                            word_count=text_features.word_count(text),
                            model=model_info("personality", self.model_dir))


def get_text_analyzer() -> TextAnalyzer:
    return registry.get_or_build("text", TextAnalyzer)
