"""Where the parts of a structured spoken answer begin, found from cue phrases; and what
public guidance says about each measure of a spoken answer. Pure: no models, no web.

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


# What public guidance says about each measure. "range" is what a source gives, or says
# plainly that none is published; nothing here is a verdict on the person.
GUIDANCE = {
    "words_per_minute": {
        "plain": "How many words you said per minute, counted from your first word to your "
                 "last (ums and uhs not counted).",
        "range": "About 150 words per minute is an average conversational rate for US "
                 "English; measured rates vary with the kind of talk, from about 140 "
                 "(lectures) to about 210 (conversation).",
        "source": "National Center for Voice and Speech (US), 'Voice Qualities' tutorial "
                  "(ncvs.org): average rate about 150 wpm; Tauroza & Allison (1990), "
                  "'Speech rates in British English', Applied Linguistics 11(1), 90-105.",
    },
    "fillers_per_minute": {
        "plain": "How often you said um, uh, er and the like, per minute.",
        "range": "No published threshold: fillers are a normal part of spontaneous speech. "
                 "In everyday conversation, disfluencies of all kinds (fillers, repeats, "
                 "restarts) come at roughly 6 per 100 words.",
        "source": "Clark & Fox Tree (2002), 'Using uh and um in spontaneous speaking', "
                  "Cognition 84(1), 73-111 (uh and um as signals of an upcoming delay); "
                  "Bortfeld et al. (2001), 'Disfluency rates in conversation: effects of age, "
                  "relationship, topic, role, and gender', Language and Speech 44(2), 123-147.",
    },
    "long_pauses": {
        "plain": "Silences of a second or more between two words: time to think, or for "
                 "emphasis.",
        "range": "No published limit on how many. In a study of read and spontaneous speech "
                 "in five languages, pauses fell into brief (under 0.2 s), medium (0.2-1 s) "
                 "and long (over 1 s), the long ones only in spontaneous speech.",
        "source": "Campione & Veronis (2002), 'A large-scale multilingual study of silent "
                  "pause duration', Speech Prosody 2002, Aix-en-Provence, 199-202.",
    },
    "repeats": {
        "plain": "Words or short phrases said twice in a row, and phrases broken off and "
                 "started again.",
        "range": "No published threshold for interviews; repeats and restarts are among the "
                 "disfluencies that come at roughly 6 per 100 words in conversation.",
        "source": "Bortfeld et al. (2001), 'Disfluency rates in conversation: effects of age, "
                  "relationship, topic, role, and gender', Language and Speech 44(2), 123-147.",
    },
    "structure": {
        "plain": "Which parts of a STAR answer (situation, task, action, result) your words "
                 "point to, and where each begins.",
        "range": "No numeric range: the method asks for all four parts, in order.",
        "source": "MIT Career Advising & Professional Development, 'Using the STAR method for "
                  "your next behavioral interview'; UK National Careers Service, interview "
                  "advice, 'The STAR method'.",
    },
    "leaned_on_words": {
        "plain": "Content words you used often in this answer (at least 3 times and more "
                 "than 2% of your words).",
        "range": "No published range; the threshold is this tool's own.",
        "source": "None: a count of this answer's own words.",
    },
    "answer_length": {
        "plain": "How long you spoke, from your first word to your last.",
        "range": "Career-service advice, not research: about 1-2 minutes for a story "
                 "(behavioural) answer; 30-60 seconds for most other questions.",
        "source": "Commonly given by university career services for STAR answers; e.g. "
                  "Capella University career center, '4 job interview best practices' "
                  "(concise 30-60 second answers). No research-based range.",
    },
}
