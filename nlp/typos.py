"""Words of the lexicon written with a typo ("small intestin", "it spred to my livr").

The entity ruler matches exact words. For the labels where a missed word costs a question asked
again (the walk-through's factors), an answer about the wrong thing (topics, drugs) or a missed
emergency ("he fanted twice"), a word
or pair of words that no ruler match covers is compared with the lexicon's one- and two-word
phrases, and a close one (difflib ratio FUZZY or more) becomes a match of that phrase. Short
words are left alone: "yse" is too close to too much.
"""

import difflib
from functools import lru_cache
from typing import Any, Dict, List, Tuple

from spacy.tokens import Span
from spacy.util import filter_spans

from nlp.build_pipeline import load_patterns

# How close a word must be to a lexicon phrase, by label. Emergency phrases need a closer match:
# at 0.85 "cooking" would be "choking" and "breeding" "bleeding".
FUZZY = {
    "tumor_site": 0.85,
    "tumor_spread": 0.85,
    "hormone_status": 0.85,
    "topic": 0.85,
    "drug": 0.85,
    "emergency": 0.88,
}
MIN_LETTERS = 4


@lru_cache(maxsize=1)
def phrases() -> Dict[Tuple[int, str], Dict[str, Tuple[str, str]]]:
    """(words in the phrase, its first letter) -> phrase (lowercase) -> (label, value), for the
    labels above: a typo rarely changes the first letter, and looking only there keeps this to
    a few comparisons a word."""
    table: Dict[Tuple[int, str], Dict[str, Tuple[str, str]]] = {}
    for label, value, phrase in load_patterns():
        words = phrase.lower().split()
        if label in FUZZY and len(words) <= 2 and all(w.isalpha() for w in words):
            table.setdefault((len(words), phrase[0].lower()), {})[" ".join(words)] = (label, value)
    return table


def _candidates(doc: Any, size: int) -> List[Tuple[int, str]]:
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    found = []
    for start in range(len(doc) - size + 1):
        tokens = doc[start : start + size]
        if any(i in taken for i in range(start, start + size)):
            continue
        if all(token.is_alpha and len(token) >= MIN_LETTERS for token in tokens):
            found.append((start, " ".join(token.lower_ for token in tokens)))
    return found


def add_typo_matches(doc: Any) -> None:
    """Add, as entities of the doc, the lexicon's words that it spells with a typo."""
    added = []
    for size in (1, 2):
        for start, words in _candidates(doc, size):
            table = phrases().get((size, words[0]), {})
            if words in table:
                continue  # spelled right: the ruler's to match, or not a word of this label
            near = [phrase for phrase in table if abs(len(phrase) - len(words)) <= 2]
            close = difflib.get_close_matches(words, near, 1, min(FUZZY.values()))
            if (
                close
                and difflib.SequenceMatcher(None, words, close[0]).ratio()
                >= FUZZY[table[close[0]][0]]
            ):
                label, value = table[close[0]]
                added.append(Span(doc, start, start + size, label=label, span_id=value))
    if added:
        doc.ents = filter_spans(list(doc.ents) + added)
