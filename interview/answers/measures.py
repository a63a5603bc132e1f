"""What each stored score means to a person: a plain name, the unit it is shown in and, for
the delivery measures, what it measures and what published guidance calls typical.

Scores are stored in the units the analysis computes (syllables per second, semitones re
100 Hz, shares from 0 to 100); :meth:`Measure.shown` turns a stored value into the unit shown.
Guidance figures are quoted from the sources named with them, never made up: a measure for
which no published range was found says what it means and gives no range.
"""
from collections.abc import Callable
from dataclasses import dataclass

from emotion.base import FACE_CLASSES, TRAIT_CODES, TRAIT_NAMES
from emotion.speech_types import SPEECH_CLASSES


@dataclass(frozen=True)
class Source:
    author: str
    title: str
    url: str


@dataclass(frozen=True)
class Measure:
    name: str                   # the stored score's name
    label: str                  # plain words, for tables and chart legends
    unit: str                   # written after a value ('' for a count)
    axis: str                   # chart axis title, with the unit; charts group measures by it
    convert: Callable[[float], float] = float
    decimals: int = 1
    meaning: str = ""           # what it measures, in a sentence or two
    typical: str | None = None  # the published range, short, as a table hint
    guidance: str = ""          # the published guidance, in a sentence, with its source below
    sources: tuple[Source, ...] = ()

    def shown(self, stored_value: float) -> float:
        return self.convert(stored_value)


PERCENT_AXIS = "Share of the answer (%)"
RATE_AXIS = "Syllables per minute"
SECONDS_AXIS = "Seconds"
TRAIT_AXIS = "Score (0-100)"

VIRTUALSPEECH = Source("Dom Barnard, VirtualSpeech", "Average Speaking Rate and Words per Minute",
                       "https://virtualspeech.com/blog/average-speaking-rate-words-per-minute")
JONES_VIA_WOOD = Source("Sidney Wood, Lund University Phonetics Laboratory (1973), citing D. Jones, "
                        "An Outline of English Phonetics", "Speech tempo",
                        "https://lup.lub.lu.se/search/publication/01ea84be-7f31-4538-afaf-7bc1e229fc1c")
JACEWICZ = Source("Parler Moins Vite, citing Jacewicz et al. (2009)",
                  "Speaking rate norms in syllables per second",
                  "https://parlermoinsvite.fr/blog/speaking-rate-norms-syllables-per-second")
QUANTIFIED = Source("Quantified Communications", "The Power of Pause",
                    "https://www.quantified.ai/blog/the-power-of-pause/")
ESENWEIN_CARNAGEY = Source("J. Berg Esenwein and Dale Carnagey (1915), quoting William Scheppegrell, "
                           "Popular Science Monthly", "The Art of Public Speaking, chapter on pitch",
                           "https://www.gutenberg.org/ebooks/16317")
RODERO = Source("Emma Rodero, Frontiers in Communication (2022)",
                "Effectiveness, Attractiveness, and Emotional Response to Voice Pitch and Hand Gestures "
                "in Public Speaking", "https://www.frontiersin.org/articles/10.3389/fcomm.2022.869084/full")


def _per_minute(per_second: float) -> float:
    return per_second * 60


def _hertz(semitones_re_100hz: float) -> float:
    return 100 * 2 ** (semitones_re_100hz / 12)


def _percent(share: float) -> float:
    return share * 100


DELIVERY = (
    Measure("speaking_rate_syllables_per_second", "Speaking rate", "syllables/min", RATE_AXIS,
            _per_minute, 0,
            meaning="How fast you spoke over the whole answer, pauses included. Poise counts syllables "
                    "from the sound itself, so this rate is in syllables; your pace in words is with the "
                    "transcript, under Your words.",
            typical="about 300 syllables/min in conversation",
            guidance="Conversational English runs at about 300 syllables a minute (D. Jones). "
                     "Public-speaking guides count words: about 100-150 words a minute for a "
                     "comfortable presentation and 120-150 in conversation (VirtualSpeech).",
            sources=(JONES_VIA_WOOD, VIRTUALSPEECH)),
    Measure("articulation_rate_syllables_per_second", "Speed while talking", "syllables/min", RATE_AXIS,
            _per_minute, 0,
            meaning="How fast you spoke while you were talking, with the pauses left out.",
            typical="210-300 syllables/min for adults",
            guidance="Adults typically articulate 3.5-5.0 syllables a second, that is 210-300 a minute "
                     "(Jacewicz et al., 2009).",
            sources=(JACEWICZ,)),
    Measure("speaking_share", "Time spent speaking", "%", PERCENT_AXIS, _percent, 0,
            meaning="The share of the recording in which you were speaking; the rest is silence at the "
                    "start, at the end and in pauses."),
    Measure("pause_count", "Pauses", "", "Pauses", decimals=0,
            meaning="How many silences of 0.3 seconds or more came between stretches of speech.",
            guidance="Pauses give listeners time to take in a point and give you time to breathe and "
                     "collect your thoughts (Quantified Communications).",
            sources=(QUANTIFIED,)),
    Measure("pause_mean_seconds", "Average pause", "s", SECONDS_AXIS,
            meaning="How long your pauses lasted on average.",
            typical="medium pauses about 0.5 s, long ones about 1.5 s",
            guidance="Conversation mixes short (about 0.15 s), medium (about 0.5 s) and long "
                     "(about 1.5 s) pauses (Quantified Communications).",
            sources=(QUANTIFIED,)),
    Measure("pause_longest_seconds", "Longest pause", "s", SECONDS_AXIS,
            meaning="Your longest silence between two stretches of speech.",
            typical="under about 5 s",
            guidance="A pause to get back on track goes unremarked if it stays under about 5 seconds "
                     "(Quantified Communications).",
            sources=(QUANTIFIED,)),
    Measure("pitch_range_semitones", "Pitch variation", "semitones", "Semitones",
            meaning="How far your voice rose and fell: the spread between your lower and higher notes "
                    "(5th to 95th percentile), in semitones; 12 semitones make an octave. A small "
                    "spread sounds flat, or monotone.",
            typical="3-6 semitones in conversation, up to an octave (12)",
            guidance="Ordinary conversation moves over three to six semitones, and some speakers over a "
                     "whole octave (Scheppegrell, quoted by Esenwein and Carnagey). In a study of public "
                     "speeches, listeners rated a medium amount of pitch variation as more effective and "
                     "attractive than little or a lot (Rodero, 2022).",
            sources=(ESENWEIN_CARNAGEY, RODERO)),
    Measure("pitch_median_semitones_re_100hz", "Typical pitch", "Hz", "Hertz", _hertz, 0,
            meaning="How high or low your voice sits (the middle of its pitch, in hertz). It is part of "
                    "your voice: there is no good or bad value."),
    Measure("loudness_variation_db", "Loudness variation", "dB", "Decibels",
            meaning="How much your loudness changed while you spoke (its standard deviation, in "
                    "decibels). A very small figure means an even, flat loudness; the microphone and "
                    "the room play a part too."),
)


CLARK_FOX_TREE = Source("Herbert H. Clark and Jean E. Fox Tree, Cognition 84 (2002), 73-111",
                        "Using uh and um in spontaneous speaking",
                        "https://doi.org/10.1016/S0010-0277(02)00017-3")
CAMPIONE_VERONIS = Source("Estelle Campione and Jean Véronis, Speech Prosody 2002, 199-202",
                          "A large-scale multilingual study of silent pause duration",
                          "https://www.isca-archive.org/speechprosody_2002/campione02_speechprosody.html")
WORDS_AXIS = "Words per minute"

# Measured on the transcript (emotion.spoken_measures): stored as computed, shown as stored.
WORDS = (
    Measure("words_per_minute", "Pace", "words/min", WORDS_AXIS, decimals=0,
            meaning="How many words you said a minute, from your first word to your last (fillers "
                    "such as um and uh not counted), from the transcript.",
            typical="about 120-150 words/min in conversation",
            guidance="Conversation runs at about 120-150 words a minute, and a comfortable "
                     "presentation at about 100-150 (VirtualSpeech).",
            sources=(VIRTUALSPEECH,)),
    Measure("fillers_per_minute", "Fillers", "a minute", "Fillers per minute",
            meaning="How often you said um, uh, er, hmm and the like. The recogniser misses some "
                    "fillers (the model card says how many), so the true figure may be higher.",
            guidance="Everyone uses fillers: speakers use uh and um to signal a short or a longer "
                     "delay, and listeners take them that way (Clark and Fox Tree). No published "
                     "range says how many are too many; notice whether they cluster where you search "
                     "for words.",
            sources=(CLARK_FOX_TREE,)),
    Measure("long_pause_count", "Long pauses between words", "", "Pauses", decimals=0,
            meaning="Silences of a second or more between two words, placed in the transcript "
                    "where they happened: time to think, or for emphasis.",
            guidance="In read and spontaneous speech in five languages, pauses fell into brief (under "
                     "0.2 s), medium (0.2-1 s) and long (over 1 s) ones, the long ones only in "
                     "spontaneous speech (Campione and Véronis). A pause to get back on track goes "
                     "unremarked if it stays under about 5 seconds (Quantified Communications). No "
                     "published range says how many long pauses are too many.",
            sources=(CAMPIONE_VERONIS, QUANTIFIED)),
    Measure("repeat_count", "Repeats and restarts", "", "Repeats", decimals=0,
            meaning="Words or phrases said twice in a row (\"I I think\") and sentences broken off "
                    "and begun again. A few are normal in unscripted speech; no published range was "
                    "found."),
    Measure("answer_seconds", "Answer length", "s", SECONDS_AXIS, decimals=0,
            meaning="From your first word to your last, in seconds; the report sets it against the "
                    "question's time."),
)
SPOKEN_TRAIT_PREFIX = "spoken_"

ARGYLE_COOK = Source("Michael Argyle and Mark Cook (1976), Cambridge University Press", "Gaze and Mutual Gaze",
                     "https://archive.org/details/gazemutualgaze0000argy")
BURGOON = Source("Judee K. Burgoon, Valerie Manusov, Paul Mineo and Jerold L. Hale, Journal of Nonverbal "
                 "Behavior 9 (1985), 133-146",
                 "Effects of gaze on hiring, credibility, attraction and relational message interpretation",
                 "https://doi.org/10.1007/BF01000735")
BENTIVOGLIO = Source("Anna Rita Bentivoglio et al., Movement Disorders 12 (1997), 1028-1034",
                     "Analysis of blink rate patterns in normal subjects", "https://doi.org/10.1002/mds.870120629")

# Read from the video (emotion.camera): what the camera saw of how the answer was delivered.
CAMERA = (
    Measure("eye_contact_share", "Looking at the camera", "%", PERCENT_AXIS, decimals=0,
            meaning="The share of the answer in which your head and eyes pointed at the camera, "
                    "which is where an interviewer on a video call sees you look at them. Looking "
                    "at their face on the screen reads as looking slightly away.",
            typical="speakers look at listeners about 40% of the time face to face",
            guidance="Face to face, speakers look at their listener about 40% of the time and "
                     "listeners at the speaker about 75% (Argyle and Cook). In a study of hiring "
                     "interviews, candidates who averted their gaze were judged less favourably "
                     "than those with normal or steady gaze (Burgoon et al.). No published range "
                     "was found for video calls.",
            sources=(ARGYLE_COOK, BURGOON)),
    Measure("head_degrees_per_second", "Head movement", "°/s", "Degrees per second",
            meaning="How much your head turned and tilted, on average, in degrees a second. Nods "
                    "and gestures while talking are natural; a high figure with no nods often "
                    "means shifting about. No published range was found; Poise's steady, nodding "
                    "and restless labels use thresholds of its own (see its model card)."),
    Measure("blinks_per_minute", "Blinks", "a minute", "Blinks per minute", decimals=0,
            meaning="How often you blinked. Poise samples a few frames a second, so it misses "
                    "short blinks: read it as a lower bound.",
            typical="about 17 a minute at rest, 26 in conversation",
            guidance="Healthy adults blink about 17 times a minute at rest and about 26 times in "
                     "conversation (Bentivoglio et al.).",
            sources=(BENTIVOGLIO,)),
    Measure("framing_problem_share", "Framing or light problems", "%", PERCENT_AXIS, decimals=0,
            meaning="The share of the answer in which your face was small, off-centre, cut off by "
                    "the frame, in the dark or in front of a bright background."),
)


VA_AXIS = "Valence or arousal (-1 to 1)"
WHEEL_FAMILIES = ("joy", "sadness", "disgust", "fear", "anger", "surprise", "calm")


def _affect_measures() -> tuple[Measure, ...]:
    return tuple(
        Measure(f"{kind}_{channel}", f"{kind.capitalize()} ({where})", "", VA_AXIS, decimals=2,
                meaning=meaning + " Derived from the emotion readings through published ratings of the "
                                  "emotion words (NRC VAD lexicon, Mohammad 2018); a reading of appearance "
                                  "or voice, not of feelings.")
        for channel, where in (("face", "face"), ("voice", "voice"))
        for kind, meaning in (("valence", "How pleasant the expression read, from -1 to 1, on average."),
                              ("arousal", "How activated the expression read, from -1 (calm) to 1, on average.")))


def _emotion_measures(prefix: str, where: str, emotions: tuple[str, ...]) -> tuple[Measure, ...]:
    return tuple(Measure(f"{prefix}_{emotion}", f"{emotion.capitalize()} {where}", "%", PERCENT_AXIS)
                 for emotion in emotions)


MEASURES: dict[str, Measure] = {measure.name: measure for measure in (
    *DELIVERY,
    *_emotion_measures("face", "face", FACE_CLASSES),
    *_emotion_measures("voice", "voice", SPEECH_CLASSES),
    Measure("face_share", "Face in view", "%", PERCENT_AXIS, decimals=0,
            meaning="The share of the answer in which the camera found your face."),
    *(Measure(TRAIT_NAMES[code], TRAIT_NAMES[code].capitalize(), "", TRAIT_AXIS, decimals=0)
      for code in TRAIT_CODES),
    *WORDS,
    *CAMERA,
    *_affect_measures(),
    *(Measure(f"wheel_{family}", f"{family.capitalize()} (wheel)", "%",
              PERCENT_AXIS, decimals=0) for family in WHEEL_FAMILIES),
    *(Measure(SPOKEN_TRAIT_PREFIX + TRAIT_NAMES[code], f"{TRAIT_NAMES[code].capitalize()} (spoken words)", "",
              TRAIT_AXIS, decimals=0) for code in TRAIT_CODES),
)}


def measure(name: str) -> Measure:
    """The measure of a score name; an unknown name gets its words, never its raw field name."""
    if name in MEASURES:
        return MEASURES[name]
    return Measure(name, name.replace("_", " ").capitalize(), "", "Value")
