"""Is a message about an emergency happening now, only possibly about one, or not at all?

"Call 911" must not depend on a classifier's confidence, so the lexicon (nlp/emergency.yml)
finds the evidence: an emergency phrase of the entity ruler, a sign (two words near each other:
"lips ... blue"), or a number out of range beside its word ("fever ... 104"). Evidence in a
sentence that places it in the past with nothing happening now, asks about it as a possible
side effect, supposes it ("what if"), or uses it as a figure of speech ("this news is killing
me") makes the message only a *possible* emergency: the reply opens with a short safety line
and still answers. Each piece of evidence is judged by its clause ("he fainted once in March,
but he's fine now"). The bare word "emergency" is only ever possible ("my wife works in
emergency medicine"); thoughts of suicide are held back by nothing but a figure of speech.
Anything else is *present*: the 911/988 reply, first and alone. A message that says it is not
an emergency takes back the bare word "emergency", never a sign.
"""

import difflib
import re
from enum import IntEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import yaml

from nlp.typos import add_typo_matches

LEXICON = Path(__file__).with_name("emergency.yml")
EMERGENCY = "emergency"
# the phrase kinds (nlp/emergency.yml): thoughts of suicide or self-harm, and the word itself
# ("emergency", "urgent"), which a negation takes back; and evidence from a sign or a number
CRISIS, WORD_ONLY, SIGN = "crisis", "generic", "sign"
QUESTION_STARTS = ("can ", "could ", "does ", "do ", "is ", "are ", "will ", "would ", "should ")
# the ruler's labels for a treatment named ("lutathera", "the shots", "chemo")
TREATMENT_LABELS = ("drug", "topic")


class Level(IntEnum):
    NONE = 0
    POSSIBLE = 1
    PRESENT = 2


@lru_cache(maxsize=1)
def lexicon() -> Dict[str, Any]:
    return yaml.safe_load(LEXICON.read_text(encoding="utf-8"))


@cache
def _pattern(name: str) -> "re.Pattern[str]":
    return re.compile(lexicon()[name])


def says(name: str, text: str) -> bool:
    """Whether `text` matches the lexicon's pattern `name` (past, now, hypothetical...)."""
    return bool(_pattern(name).search(text.lower()))


# a number at the start of a token: "38", "39,8", "104.5F", "170bpm", "60/35" (the upper one)
NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)")


def _number(text: str) -> float | None:
    """A number, with a decimal comma or a unit written on, or a blood pressure's upper one."""
    match = NUMBER.match(text)
    return float(match[1].replace(",", ".")) if match else None


# how close a misspelled word must be to a sign's word ("confussed", "tempreture"); a sign
# needs its second word near, so this can be looser than for phrases (nlp/typos.py)
SIGN_TYPO = 0.85


@lru_cache(maxsize=1)
def _sign_words() -> Dict[str, List[str]]:
    """The words of the signs and numbers, by first letter."""
    table = lexicon()
    words = {w for first, second in table["signs"] for w in first + second}
    words |= {w for sign in table["numbers"] for w in sign["words"]}
    by_letter: Dict[str, List[str]] = {}
    for word in sorted(w for w in words if w.isalpha()):
        by_letter.setdefault(word[0], []).append(word)
    return by_letter


@lru_cache(maxsize=4096)
def _spelled(word: str) -> str:
    """A sign's word for a misspelling of it; other words as they are."""
    candidates = _sign_words().get(word[:1], [])
    if len(word) < 4 or not word.isalpha() or word in candidates:
        return word
    close = difflib.get_close_matches(word, candidates, 1, SIGN_TYPO)
    return close[0] if close else word


def _in_range(number: float, ranges: List[List[float]]) -> bool:
    return any(low <= number <= high for low, high in ranges)


def _taken_back(words: List[str], i: int, phrase: bool = False, crisis: bool = False) -> bool:
    """'no chest pain', 'not suicidal', 'not going to hurt myself', 'won't hurt herself'."""
    table = lexicon()
    before = words[max(0, i - 3) : i]
    if not before:
        return False
    denials = set(table["not_before"]) | (set(table["not_before_phrase"]) if phrase else set())
    promised = crisis and before[-2:] in table["not_before_crisis"]
    return before[-1] in denials or (phrase and before in table["not_going_to"]) or promised


def _sign_positions(doc: Any) -> Iterator[int]:
    """Token positions where a sign or an out-of-range number is."""
    table = lexicon()
    window = table["window"]
    words = [_spelled(token.lower_) for token in doc]
    numbers = [_number(token.text) for token in doc]
    for i, word in enumerate(words):
        if _taken_back(words, i):
            continue
        near: Set[str] = set(words[max(0, i - window) : i + window + 1])
        near_numbers = [n for n in numbers[max(0, i - window) : i + window + 1] if n is not None]
        if any(word in first and near & set(second) for first, second in table["signs"]):
            yield i
        elif word in table["numbers"][0]["words"] and near & set(table["high_fever"]):
            yield i
        elif any(
            word in sign["words"]
            and (not sign.get("needs") or near & set(sign["needs"]))
            and any(_in_range(n, sign["ranges"]) for n in near_numbers)
            for sign in table["numbers"]
        ):
            yield i


def _phrase_positions(doc: Any, negated: bool) -> Iterator[Tuple[int, str]]:
    """Token positions of the ruler's emergency phrases that count, with their kind."""
    words = [token.lower_ for token in doc]
    after = lexicon()["figures_of_speech"]["after"]
    for ent in doc.ents:
        crisis = ent.ent_id_ == CRISIS
        if ent.label_ != EMERGENCY or _taken_back(words, ent.start, phrase=True, crisis=crisis):
            continue
        if ent.end < len(doc) and after.get(words[ent.end - 1]) == words[ent.end]:
            continue  # "dying to know"
        if ent.ent_id_ == WORD_ONLY and negated:
            continue
        yield ent.start, ent.ent_id_


def clause(doc: Any, i: int) -> str:
    """The clause token `i` is in: between the punctuation or conjunctions around it ("he
    fainted once in March | but he's fine now")."""
    bounds = set(lexicon()["clause_bounds"])
    start = i
    while start > 0 and doc[start - 1].lower_ not in bounds:
        start -= 1
    end = i
    while end < len(doc) - 1 and doc[end + 1].lower_ not in bounds:
        end += 1
    return doc[start : end + 1].text


def happening_now(text: str) -> bool:
    """Whether the text says something is happening now ("he's fine now", "now he's 22" do
    not)."""
    told = _pattern("not_now").sub(" ", _pattern("recovered").sub(" ", text.lower()))
    return says("now", told)


def held_back(text: str) -> bool:
    """Worrying words that the text itself holds back: an event that is past or over, a
    supposition, a question whether something is a side effect, or a figure of speech."""
    lower = text.lower()
    if figure_of_speech(lower) or says("hypothetical", lower):
        return True
    if (says("past", lower) or says("recovered", lower)) and not happening_now(lower):
        return True
    asked = "?" in text or lower.startswith(QUESTION_STARTS)
    return asked and says("side_effect_question", lower) and not happening_now(lower)


def figure_of_speech(text: str) -> bool:
    figures = lexicon()["figures_of_speech"]
    lower = text.lower()
    if re.search(figures["not_when"], lower):
        return False
    return any(phrase in lower for phrase in figures["phrases"])


def _only_possible(doc: Any, i: int, kind: str) -> bool:
    """Whether one piece of evidence is held back by the words around it. The bare word
    "emergency" is never enough alone. Thoughts of suicide are held back only by a figure of
    speech, a question whether a drug can cause them, someone saying they are safe now, or
    their own clause placing them years back or supposing them ("if he ever thought about
    hurting himself"): a crisis told in the past tense may be here now."""
    if kind == WORD_ONLY:
        return True
    sentence = doc[i].sent.text
    its_clause = clause(doc, i)
    asked = "?" in sentence or sentence.lower().startswith(QUESTION_STARTS)
    # "octreotide seizures?": a question that names a treatment asks about it as a side effect
    names_treatment = any(ent.label_ in TREATMENT_LABELS for ent in doc[i].sent.ents)
    asked_as_side_effect = (
        asked
        and (says("side_effect_question", sentence) or names_treatment)
        and not happening_now(sentence)
    )
    if kind == CRISIS:
        over = says("crisis_over", doc.text)
        long_ago = says("long_ago", its_clause) and not happening_now(its_clause)
        supposed = says("hypothetical", sentence)
        return figure_of_speech(sentence) or asked_as_side_effect or over or long_ago or supposed
    # "he fainted last week, he's fine now": over, unless its own clause says it is now
    over = says("recovered", doc.text) and not happening_now(its_clause)
    return held_back(its_clause) or asked_as_side_effect or over


def assess(doc: Any) -> Level:
    """How sure the lexicon is that a parsed message describes an emergency now."""
    add_typo_matches(doc)
    negated = says("not_an_emergency", doc.text)
    evidence = list(_phrase_positions(doc, negated))
    evidence += [(i, SIGN) for i in _sign_positions(doc)]
    if not evidence:
        return Level.NONE
    if all(_only_possible(doc, i, kind) for i, kind in evidence):
        return Level.POSSIBLE
    return Level.PRESENT
