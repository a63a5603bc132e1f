"""Where the parts of a structured spoken answer begin, found from cue phrases. Pure: no models, no web. (What public guidance says about each measure is
shown with it: interview.answers.measures.WORDS.)

The parts are the STAR method's: Situation, Task, Action, Result, as career services teach
it to answer behavioural ("tell me about a time when...") questions - e.g. MIT Career
Advising & Professional Development, "Using the STAR method for your next behavioral
interview (worksheet included)" (capd.mit.edu), and the UK National Careers Service,
"The STAR method" (nationalcareers.service.gov.uk, interview advice). The cue phrases below
are our own reading of how those parts are commonly introduced; they are not from either
source, and finding a part says only that its words were said, not how well.
"""
from emotion.spoken_repeats import plain_word, spoken_indices
from emotion.transcript_types import AnswerPart, Transcript

STAR_CUES = {
    "situation": ("when i was", "at my last job", "at my previous job", "in my last job",
                  "in my previous job", "in my last role", "in my previous role",
                  "there was a time", "the situation", "a few years ago"),
    "task": ("my role was", "i was responsible", "i needed to", "the goal was", "my task",
             "my job was to", "i was asked to", "i had to", "we needed to",
             "the challenge was"),
    "action": ("so i", "i decided", "i started", "what i did", "i organised", "i organized",
               "first i", "i set up", "i spoke to", "i talked to", "i reached out"),
    "result": ("as a result", "in the end", "the outcome", "which led to", "we increased",
               "i learned", "i learnt", "the result was", "we reduced", "we managed to"),
}

# Each cue as words, longest first, so that "when i was" wins over a shorter cue at one spot.
_CUES = sorted(((tuple(cue.split()), part) for part, cues in STAR_CUES.items()
                for cue in cues), key=lambda item: (-len(item[0]), item[0]))

_SENTENCE_ENDS = (".", "?", "!")


def find_structure(transcript: Transcript) -> tuple[AnswerPart, ...]:
    """The STAR parts whose cues were said, each at its first cue, in the order they start.

    Cues are matched on the words with fillers skipped and case and punctuation ignored, left
    to right without overlap, longest cue first; a cue never spans the end of a sentence."""
    indices = spoken_indices(transcript)
    words = transcript.words
    forms = [plain_word(words[index].text) for index in indices]
    texts = [words[index].text.strip() for index in indices]
    first: dict[str, AnswerPart] = {}
    at = 0
    while at < len(forms):
        match = _cue_at(forms, texts, at)
        if match is None:
            at += 1
            continue
        cue, part = match
        if part not in first:
            first[part] = AnswerPart(part=part, start=words[indices[at]].start,
                                     word_index=indices[at], cue=" ".join(cue))
        at += len(cue)
    return tuple(sorted(first.values(), key=lambda found: found.word_index))


def _cue_at(forms: list[str], texts: list[str], at: int) -> tuple[tuple[str, ...], str] | None:
    for cue, part in _CUES:
        size = len(cue)
        if tuple(forms[at:at + size]) != cue:
            continue
        if not any(text.endswith(_SENTENCE_ENDS) for text in texts[at:at + size - 1]):
            return cue, part
    return None
