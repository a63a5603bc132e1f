"""The 81 states of the Plutchik wheel's four ternary dimensions, each with a name.

Sources:
- R. Plutchik (1980), *Emotion: A Psychoevolutionary Synthesis*, Harper & Row: the eight
  primary emotions in their wheel order, as four pairs of opposites.
- R. Plutchik (2001), "The Nature of Emotions", *American Scientist* 89(4): 344-350: the three
  intensities of each primary (e.g. serenity / joy / ecstasy) and the dyads, the blends of two
  primaries one apart on the wheel (primary dyads, e.g. love = joy + trust), two apart
  (secondary, e.g. guilt = joy + fear) and three apart (tertiary, e.g. delight = joy + surprise).

A state is one of +1 / 0 / -1 on each dimension, so two opposites (joy and sadness) can never
blend: the wheel's opposite dyads do not occur. Plutchik's wheel names no blend of three or
four primaries; such a state is named by its closest dyad (primary before secondary before
tertiary, then wheel order) and what else is present, marked "mixed".
"""
from itertools import combinations, product

from emotion.wheel_types import DIMENSIONS

CALM = "calm"

# Each dimension's poles: (+1, -1).
POLES = {
    "joy_sadness": ("joy", "sadness"),
    "trust_disgust": ("trust", "disgust"),
    "fear_anger": ("fear", "anger"),
    "surprise_anticipation": ("surprise", "anticipation"),
}

# Plutchik's wheel, going round (1980): neighbours blend into primary dyads.
WHEEL = ("joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation")

# Each primary's intensities (Plutchik 2001): (mild, basic, strong).
INTENSITIES = {
    "joy": ("serenity", "joy", "ecstasy"),
    "trust": ("acceptance", "trust", "admiration"),
    "fear": ("apprehension", "fear", "terror"),
    "surprise": ("distraction", "surprise", "amazement"),
    "sadness": ("pensiveness", "sadness", "grief"),
    "disgust": ("boredom", "disgust", "loathing"),
    "anger": ("annoyance", "anger", "rage"),
    "anticipation": ("interest", "anticipation", "vigilance"),
}

# The dyads (Plutchik 2001), keyed by their two primaries; 8 of each kind.
DYADS = {
    # primary dyads: neighbours on the wheel
    frozenset({"joy", "trust"}): "love",
    frozenset({"trust", "fear"}): "submission",
    frozenset({"fear", "surprise"}): "awe",
    frozenset({"surprise", "sadness"}): "disapproval",
    frozenset({"sadness", "disgust"}): "remorse",
    frozenset({"disgust", "anger"}): "contempt",
    frozenset({"anger", "anticipation"}): "aggressiveness",
    frozenset({"anticipation", "joy"}): "optimism",
    # secondary dyads: one primary between them
    frozenset({"joy", "fear"}): "guilt",
    frozenset({"trust", "surprise"}): "curiosity",
    frozenset({"fear", "sadness"}): "despair",
    frozenset({"surprise", "disgust"}): "unbelief",
    frozenset({"sadness", "anger"}): "envy",
    frozenset({"disgust", "anticipation"}): "cynicism",
    frozenset({"anger", "joy"}): "pride",
    frozenset({"anticipation", "trust"}): "hope",
    # tertiary dyads: two primaries between them
    frozenset({"joy", "surprise"}): "delight",
    frozenset({"trust", "sadness"}): "sentimentality",
    frozenset({"fear", "disgust"}): "shame",
    frozenset({"surprise", "anger"}): "outrage",
    frozenset({"sadness", "anticipation"}): "pessimism",
    frozenset({"disgust", "joy"}): "morbidness",
    frozenset({"anger", "trust"}): "dominance",
    frozenset({"anticipation", "fear"}): "anxiety",
}

# How a face in each state is described ("your face looked ...").
ADJECTIVES = {
    CALM: "calm",
    "serenity": "serene", "joy": "joyful", "ecstasy": "ecstatic",
    "acceptance": "accepting", "trust": "trusting", "admiration": "admiring",
    "apprehension": "apprehensive", "fear": "fearful", "terror": "terrified",
    "distraction": "distracted", "surprise": "surprised", "amazement": "amazed",
    "pensiveness": "pensive", "sadness": "sad", "grief": "grief-stricken",
    "boredom": "bored", "disgust": "disgusted", "loathing": "loathing",
    "annoyance": "annoyed", "anger": "angry", "rage": "furious",
    "interest": "interested", "anticipation": "expectant", "vigilance": "vigilant",
    "love": "loving", "submission": "submissive", "awe": "awed", "disapproval": "disapproving",
    "remorse": "remorseful", "contempt": "contemptuous", "aggressiveness": "aggressive",
    "optimism": "optimistic", "guilt": "guilty", "curiosity": "curious", "despair": "despairing",
    "unbelief": "disbelieving", "envy": "envious", "cynicism": "cynical", "pride": "proud",
    "hope": "hopeful", "delight": "delighted", "sentimentality": "sentimental", "shame": "ashamed",
    "outrage": "outraged", "pessimism": "pessimistic", "morbidness": "morbid",
    "dominance": "dominant", "anxiety": "anxious",
}


def wheel_distance(first: str, second: str) -> int:
    """Steps between two primaries round the wheel: 1 primary dyad, 2 secondary, 3 tertiary."""
    steps = abs(WHEEL.index(first) - WHEEL.index(second))
    return min(steps, len(WHEEL) - steps)


def primaries(state: tuple[int, ...]) -> tuple[str, ...]:
    """The primaries a state holds, in DIMENSIONS order: (1, 0, -1, 0) -> ("joy", "anger")."""
    return tuple(POLES[dim][0 if value > 0 else 1] for dim, value in zip(DIMENSIONS, state) if value)


def _closest_dyad(present: tuple[str, ...]) -> tuple[str, str]:
    """The pair of present primaries nearest each other on the wheel (ties: wheel order)."""
    return min(combinations(present, 2),
               key=lambda pair: (wheel_distance(*pair), min(WHEEL.index(p) for p in pair)))


def _mixed_name(present: tuple[str, ...]) -> str:
    pair = _closest_dyad(present)
    rest = tuple(p for p in present if p not in pair)
    rest_name = DYADS[frozenset(rest)] if len(rest) == 2 else rest[0]
    return f"{DYADS[frozenset(pair)]} with {rest_name} (mixed)"


def state_name(state: tuple[int, ...]) -> str:
    """The name of a state (+1 / 0 / -1 per dimension, DIMENSIONS order)."""
    present = primaries(tuple(int(v) for v in state))
    if not present:
        return CALM
    if len(present) == 1:
        return present[0]
    if len(present) == 2:
        return DYADS[frozenset(present)]
    return _mixed_name(present)


# Every one of the 81 states and its name.
STATES = {state: state_name(state) for state in product((1, 0, -1), repeat=len(DIMENSIONS))}


def form(name: str, density: float, mild_below: float, strong_from: float) -> str:
    """A primary read in its milder or stronger form by how densely it shows; others unchanged."""
    if name not in INTENSITIES:
        return name
    mild, basic, strong = INTENSITIES[name]
    return strong if density >= strong_from else mild if density < mild_below else basic


def adjective(name: str) -> str:
    """How a face in this state looked: "joy" -> "joyful"; mixed states as their parts."""
    if name.endswith(" (mixed)"):
        first, rest = name[:-len(" (mixed)")].split(" with ")
        return f"mixed ({ADJECTIVES[first]} and {ADJECTIVES[rest]})"
    return ADJECTIVES[name]
