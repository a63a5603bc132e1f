"""The measures of a spoken answer's words, from hand-built transcripts (no model, no app)."""
import random
import subprocess
import sys

import pytest

from emotion.answer_structure import STAR_CUES, find_structure
from emotion.base import WordCount
from emotion.spoken_measures import (LONG_PAUSE_SECONDS, PACE_WINDOW_SECONDS, measure_words,
                                     pace_windows)
from emotion.spoken_repeats import find_repeats, plain_word
from emotion.transcript_types import SpokenWord, Transcript


def spoken(text: str, every: float = 0.4, length: float = 0.3, start: float = 0.0) -> Transcript:
    """A transcript of ``text``'s words, one every ``every`` seconds, each ``length`` long."""
    words = tuple(SpokenWord(word, start + i * every, start + i * every + length, 0.9)
                  for i, word in enumerate(text.split()))
    return Transcript(words=words, duration_seconds=start + len(words) * every, recogniser="test")


def timed(*words: tuple[str, float, float]) -> Transcript:
    built = tuple(SpokenWord(text, begin, end, 0.9) for text, begin, end in words)
    return Transcript(words=built, duration_seconds=max((w.end for w in built), default=0.0),
                      recogniser="test")


def repeats_of(text: str) -> list[tuple[str, str]]:
    return [(found.kind, found.text) for found in find_repeats(spoken(text))]


# --- edge cases -----------------------------------------------------------------------------

def test_empty_transcript_measures_nothing():
    measures = measure_words(Transcript(words=(), duration_seconds=0.0, recogniser="test"))
    assert measures.word_count == measures.filler_count == 0
    assert measures.speaking_span_seconds == 0.0
    assert measures.words_per_minute == measures.fillers_per_minute == 0.0
    assert measures.pace == measures.fillers == measures.long_pauses == ()
    assert measures.repeats == measures.structure == measures.leaned_on_words == ()


def test_only_fillers_are_not_words_and_are_not_repeats():
    measures = measure_words(spoken("Um, um uh Umm... hmmm", every=1.0))
    assert measures.word_count == 0 and measures.filler_count == 5
    assert measures.words_per_minute == 0.0
    assert measures.fillers_per_minute == pytest.approx(5 * 60 / 4.3, abs=0.05)
    assert measures.fillers == (WordCount("um", 3), WordCount("hm", 1), WordCount("uh", 1))
    assert measures.repeats == () and measures.leaned_on_words == ()
    assert [window.words_per_minute for window in measures.pace] == [0.0]


def test_one_word():
    measures = measure_words(timed(("Hello.", 1.0, 1.5)))
    assert measures.word_count == 1
    assert measures.speaking_span_seconds == pytest.approx(0.5)
    assert measures.words_per_minute == 120.0
    assert len(measures.pace) == 1 and measures.pace[0].words_per_minute == 120.0


def test_words_that_take_no_time_give_no_rate_rather_than_dividing_by_zero():
    measures = measure_words(timed(("Yes", 2.0, 2.0)))
    assert measures.word_count == 1 and measures.speaking_span_seconds == 0.0
    assert measures.words_per_minute == 0.0 and measures.pace == ()
    several = measure_words(timed(("yes", 0.0, 0.0), ("I", 3.0, 3.0), ("did", 6.0, 6.0)))
    assert several.speaking_span_seconds == 6.0 and several.words_per_minute == 30.0
    assert [(p.after_word, p.start, p.end) for p in several.long_pauses] == [(0, 0.0, 3.0),
                                                                           (1, 3.0, 6.0)]


def test_bare_punctuation_is_not_a_word():
    measures = measure_words(timed(("Well", 0.0, 0.3), ("-", 0.3, 0.4), ("yes", 0.4, 0.6)))
    assert measures.word_count == 2 and measures.filler_count == 0


# --- pace -----------------------------------------------------------------------------------

def test_words_per_minute_counts_words_not_fillers_over_the_speaking_span():
    # 30 words and 6 fillers, one every 0.5 s, starting 3 s into the recording.
    text = " ".join(["um" if i % 6 == 5 else "word" for i in range(36)])
    measures = measure_words(spoken(text, every=0.5, length=0.5, start=3.0))
    assert measures.word_count == 30 and measures.filler_count == 6
    assert measures.speaking_span_seconds == pytest.approx(18.0)
    assert measures.words_per_minute == 100.0
    assert measures.fillers_per_minute == 20.0


def test_a_short_answer_gets_one_pace_window_over_its_span():
    measures = measure_words(spoken("one two three four five six seven eight", every=1.0))
    assert [(w.start, w.end) for w in measures.pace] == [(0.0, pytest.approx(7.3))]
    assert measures.pace[0].words_per_minute == measures.words_per_minute


def test_pace_windows_are_full_length_and_the_last_ends_with_the_words():
    measures = measure_words(spoken(" ".join(["word"] * 23), every=1.0, length=1.0))
    starts = [window.start for window in measures.pace]
    assert starts == [0.0, 5.0, 10.0, 13.0]           # 13-23: moved back, not a 3 s stub
    assert all(w.end - w.start == pytest.approx(PACE_WINDOW_SECONDS) for w in measures.pace)
    assert measures.pace[-1].end == pytest.approx(23.0)
    assert all(w.words_per_minute == 60.0 for w in measures.pace)


def test_an_answer_that_fills_whole_windows_gets_no_extra_window():
    words = [SpokenWord("word", i * 1.0, i * 1.0 + 1.0, 0.9) for i in range(20)]
    windows = pace_windows(words, 0.0, 20.0)
    assert [(w.start, w.end) for w in windows] == [(0.0, 10.0), (5.0, 15.0), (10.0, 20.0)]
    assert all(w.words_per_minute == 60.0 for w in windows)


def test_pace_shows_a_stretch_that_sped_up():
    slow = [SpokenWord("slow", float(i), i + 0.5, 0.9) for i in range(10)]
    fast = [SpokenWord("fast", 10 + i / 3, 10 + i / 3 + 0.2, 0.9) for i in range(30)]
    windows = measure_words(Transcript(tuple(slow + fast), 20.0, "test")).pace
    assert windows[0].words_per_minute == 60.0
    assert windows[-1].words_per_minute == pytest.approx(180.0, abs=6)


# --- fillers and pauses ---------------------------------------------------------------------

def test_fillers_by_flag_or_spelling_most_used_first():
    words = (SpokenWord("Uhh,", 0.0, 0.2, 0.5), SpokenWord("I", 0.3, 0.4, 0.9),
             SpokenWord("er", 0.5, 0.6, 0.5, filler=True), SpokenWord("uh", 0.7, 0.8, 0.5),
             SpokenWord("like", 0.9, 1.0, 0.5, filler=True), SpokenWord("Erm", 1.1, 1.2, 0.5))
    measures = measure_words(Transcript(words, 1.2, "test"))
    assert measures.word_count == 1 and measures.filler_count == 5
    assert measures.fillers == (WordCount("uh", 2), WordCount("er", 1), WordCount("erm", 1),
                                WordCount("like", 1))


def test_long_pauses_are_silences_of_at_least_a_second_after_a_word():
    transcript = timed(("I", 0.0, 0.5), ("think", 1.49, 1.8), ("so,", 2.8, 3.0),
                       ("um", 5.0, 5.3), ("yes", 5.5, 6.0), ("and", 9.0, 9.2))
    pauses = measure_words(transcript).long_pauses
    assert LONG_PAUSE_SECONDS == 1.0
    assert [(p.after_word, p.start, p.end) for p in pauses] == [
        (1, 1.8, 2.8), (2, 3.0, 5.0), (4, 6.0, 9.0)]        # 0.99 s after "I" is not long


def test_a_word_overlapping_the_one_before_leaves_no_silence():
    transcript = timed(("long", 0.0, 3.0), ("short", 0.5, 0.8), ("next", 3.5, 4.0))
    assert measure_words(transcript).long_pauses == ()


# --- repeats and restarts -------------------------------------------------------------------

def test_a_word_said_again_is_a_repetition_across_fillers_case_and_punctuation():
    assert repeats_of("I I think") == [("repetition", "I")]
    assert repeats_of("I, um, I think") == [("repetition", "I")]
    assert repeats_of("We, we went") == [("repetition", "We")]
    assert repeats_of("I went home") == []


def test_phrases_said_again_are_one_repetition():
    assert repeats_of("we went we went home") == [("repetition", "we went")]
    assert repeats_of("I went to, I went to the shop") == [("repetition", "I went to")]


def test_what_counts_as_a_repetition_by_the_rules():
    assert repeats_of("it was very very good") == [("repetition", "very")]
    assert repeats_of("I think that that is right") == [("repetition", "that")]
    assert repeats_of("the the the end") == [("repetition", "the"), ("repetition", "the")]
    assert repeats_of("I did that. That was hard") == []        # across a sentence end


def test_a_repetition_is_placed_at_its_first_word_in_the_transcript():
    transcript = timed(("Um", 0.0, 0.2), ("so", 0.3, 0.5), ("I", 0.6, 0.7), ("I", 0.8, 0.9))
    (found,) = find_repeats(transcript)
    assert (found.kind, found.word_index, found.length, found.time) == ("repetition", 2, 1, 0.6)


def test_a_clause_broken_off_at_a_comma_and_begun_again_is_a_restart():
    assert repeats_of("we went to, we drove to the shop") == [("restart", "we went to")]
    assert repeats_of("So we went to, we drove to the shop") == [("restart", "we went to")]
    assert repeats_of("I was, I had a plan") == [("restart", "I was")]


def test_clauses_that_only_start_alike_are_not_restarts():
    assert repeats_of("I went to Paris, I went to Rome") == []      # a list, not a break
    assert repeats_of("at my job, my manager said") == []
    assert repeats_of("we went, we went home") == [("repetition", "we went")]
    # Only "so", "and", "but", "then", "well" may lead a broken-off clause.
    assert repeats_of("Later we went to, we drove to the shop") == []


def test_a_cut_off_word_is_a_restart_with_the_words_said_again_after_it():
    assert repeats_of("we dri- we drove home") == [("restart", "we dri-")]
    (found,) = find_repeats(spoken("the pro- project"))
    assert (found.kind, found.word_index, found.length, found.text) == ("restart", 1, 1, "pro-")


def test_a_hyphenated_word_is_not_cut_off():
    assert repeats_of("a well-known problem") == []


# --- structure ------------------------------------------------------------------------------

def test_the_four_star_parts_are_found_at_their_cues():
    text = ("When I was at my last job, the shop lost money. I was responsible for the budget. "
            "So, um, I decided to cut costs. As a result we saved a lot.")
    parts = find_structure(spoken(text))
    assert [(p.part, p.cue) for p in parts] == [
        ("situation", "when i was"), ("task", "i was responsible"), ("action", "so i"),
        ("result", "as a result")]
    assert parts[2].word_index == text.split().index("So,")
    assert parts[2].start == pytest.approx(0.4 * parts[2].word_index)


def test_each_part_is_reported_once_at_its_first_cue_and_parts_in_the_order_said():
    text = "In the end it worked. There was a time when I decided. In the end we won."
    parts = find_structure(spoken(text))
    assert [(p.part, p.word_index) for p in parts] == [("result", 0), ("situation", 5),
                                                       ("action", 10)]


def test_a_cue_does_not_span_a_sentence_end_and_missing_parts_are_left_out():
    assert find_structure(spoken("I did it so. I went home.")) == ()
    assert find_structure(spoken("I like cats")) == ()


def test_the_longer_cue_wins_where_two_start_together():
    parts = find_structure(spoken("when I was responsible for sales"))
    assert [(p.part, p.cue) for p in parts] == [("situation", "when i was")]


def test_every_cue_is_lower_case_words():
    for cues in STAR_CUES.values():
        assert all(cue == " ".join(plain_word(word) for word in cue.split()) for cue in cues)


# --- leaned-on words ------------------------------------------------------------------------

def test_leaned_on_words_are_content_words_used_three_times_and_over_two_percent():
    text = ("the team the team and the team, basically the project basically basically "
            "really really really project")
    measures = measure_words(spoken(text))
    assert measures.leaned_on_words == (WordCount("basically", 3), WordCount("team", 3))


def test_three_uses_in_a_long_answer_is_not_leaning_on_a_word():
    letters = "bcdfghjklmnpqrstvwxz"
    filler_words = " ".join(f"{a}o{b}ix" for a in letters for b in letters[:8])  # 160 words
    assert len(set(filler_words.split())) == 160                 # 3 in 163 is under 2 %
    assert measure_words(spoken(f"project project project {filler_words}")).leaned_on_words == ()
    assert measure_words(spoken("project project project word")).leaned_on_words == (
        WordCount("project", 3),)


def test_at_most_five_leaned_on_words_most_used_first():
    text = " ".join(f"{name} " * count for name, count in
                    [("alpha", 3), ("bravo", 4), ("charlie", 5), ("delta", 6), ("echo", 7),
                     ("foxtrot", 8)])
    found = measure_words(spoken(text)).leaned_on_words
    assert [w.word for w in found] == ["foxtrot", "echo", "delta", "charlie", "bravo"]


# --- boundaries ----------------------------------------------------------------

def test_the_measures_need_no_web_framework():
    code = "import sys, emotion.spoken_measures; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


# --- properties over random transcripts -----------------------------------------------------

VOCABULARY = ["I", "I", "we", "went", "to,", "the", "project", "um", "uh,", "so", "team.",
              "dri-", "result", "very", "-", "Umm"]


def random_transcript(seed: int) -> Transcript:
    rng = random.Random(seed)
    words, at = [], rng.uniform(0, 3)
    for _ in range(rng.randint(0, 80)):
        length = rng.choice([0.0, 0.1, 0.3, 0.6])
        words.append(SpokenWord(rng.choice(VOCABULARY), at, at + length, rng.random()))
        at += length + rng.choice([0.0, 0.1, 0.2, 0.5, 1.0, 2.5])
    return Transcript(tuple(words), at, "test")


@pytest.mark.parametrize("seed", range(40))
def test_measures_agree_with_each_other(seed):
    transcript = random_transcript(seed)
    measures = measure_words(transcript)
    punctuation = sum(1 for word in transcript.words if not plain_word(word.text))
    assert measures.word_count + measures.filler_count + punctuation == len(transcript.words)
    assert sum(filler.count for filler in measures.fillers) == measures.filler_count
    span = measures.speaking_span_seconds
    if span > 0:
        assert measures.words_per_minute == round(measures.word_count * 60 / span, 1)
    for window in measures.pace:
        assert 0 <= window.end - window.start <= PACE_WINDOW_SECONDS + 1e-9
        assert window.words_per_minute >= 0
    for pause in measures.long_pauses:
        assert pause.end - pause.start >= LONG_PAUSE_SECONDS - 1e-9
        assert transcript.words[pause.after_word + 1].start == pause.end
    for found in measures.repeats:
        assert found.time == transcript.words[found.word_index].start
    for part in measures.structure:
        assert part.start == transcript.words[part.word_index].start
    assert [p.word_index for p in measures.structure] == sorted(
        p.word_index for p in measures.structure)
    if measures.pace:
        first = min(word.start for word in transcript.words)
        assert measures.pace[-1].end == pytest.approx(first + span)
