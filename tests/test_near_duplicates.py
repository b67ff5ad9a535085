"""The near-duplicate check finds what difflib.get_close_matches finds."""

import difflib

from near_duplicates import NEAR_DUPLICATE, Examples, normalised

EXAMPLES = [
    "what is chemotherapy",
    "what does metastasis mean",
    "im not sure",
    "hi there",
    "can surgery remove all of it",
    "is prrt a kind of radiation",
]
MESSAGES = [
    "Hi there!!",
    "I'm not sure",
    "What does metastasized mean?",
    "can you explain what chemotherapy is",
    "Can surgery remove all of it?",
    "can surgery remove it all",
    "is PRRT a type of radiation?",
    "what's chemo",
    "",
]


def test_near_duplicates_count_as_shared():
    assert Examples(["hi there"]).closest("Hi there!!") == (1.0, "hi there")
    assert Examples(["I'm not sure"]).closest("im not sure")
    assert Examples(["what does metastasis mean"]).closest("What does metastasized mean?")
    assert not Examples(["what is chemotherapy"]).closest("can you explain what chemotherapy is")


def test_the_same_matches_as_difflib():
    examples = Examples(EXAMPLES)
    for message in MESSAGES:
        found = difflib.get_close_matches(normalised(message), examples.texts, 1, NEAR_DUPLICATE)
        match = examples.closest(message)
        assert (match[1] if match else None) == (found[0] if found else None), message
