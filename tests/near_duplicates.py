"""Near-duplicates of the training data: a message this close to an example tests memory.

A message and a training example are near-duplicates when, lowercased with everything but
letters, digits and spaces turned into spaces, difflib's ratio between them is NEAR_DUPLICATE or
more. That is what `difflib.get_close_matches` finds, found faster: ratio() is at most
quick_ratio() (twice the letters the two share, counted, over their total length), which numpy
computes against every example at once, so only the few examples that could reach the threshold
are compared in full. The development set, the sealed set and the test stories are checked so.
"""

import difflib
import re
from typing import Iterable, Tuple

import numpy as np

NEAR_DUPLICATE = 0.9
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def letter_counts(text: str) -> np.ndarray:
    """How often each letter of ALPHABET occurs in a normalised text."""
    return np.bincount([ALPHABET.index(letter) for letter in text], minlength=len(ALPHABET))


class Examples:
    """The training examples, normalised, with their letter counts."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = sorted({normalised(text) for text in texts} - {""})
        self.counts = np.array([letter_counts(text) for text in self.texts])
        self.lengths = np.array([len(text) for text in self.texts])

    def closest(self, message: str, cutoff: float = NEAR_DUPLICATE) -> Tuple[float, str] | None:
        """The example with the highest ratio to `message` at `cutoff` or more, if any."""
        text = normalised(message)
        shared = np.minimum(self.counts, letter_counts(text)).sum(axis=1)
        quick_ratios = 2.0 * shared / (self.lengths + len(text))
        matcher = difflib.SequenceMatcher(b=text)
        best = None
        for index in np.flatnonzero(quick_ratios >= cutoff):
            matcher.set_seq1(self.texts[index])
            ratio = matcher.ratio()
            if ratio >= cutoff and (best is None or ratio > best[0]):
                best = (ratio, self.texts[index])
        return best
