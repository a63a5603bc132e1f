"""The result types every analyzer returns: small, frozen and free of framework objects."""
from dataclasses import dataclass, field

# Big Five traits in the order the Essays corpus lists its labels.
TRAIT_CODES = ("cEXT", "cNEU", "cAGR", "cCON", "cOPN")
TRAIT_NAMES = {
    "cEXT": "extraversion",
    "cNEU": "neuroticism",
    "cAGR": "agreeableness",
    "cCON": "conscientiousness",
    "cOPN": "openness",
}


@dataclass(frozen=True)
class TraitScore:
    """One Big Five trait, scored on its own (the five are independent, not shares of a whole)."""

    code: str          # corpus label, e.g. "cOPN"
    name: str          # plain name, e.g. "openness"
    score: float       # 0-100: the model's probability that the writer is high on this trait
    confidence: float  # 0-1: the model's cross-validated accuracy for this trait


@dataclass(frozen=True)
class PersonalityResult:
    traits: tuple[TraitScore, ...]
    model_name: str
    word_count: int

    def by_name(self) -> dict[str, TraitScore]:
        return {trait.name: trait for trait in self.traits}


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int


@dataclass(frozen=True)
class TextReport:
    """What the text interview shows: the traits and the most used words."""

    personality: PersonalityResult
    top_words: tuple[WordCount, ...] = field(default_factory=tuple)
