"""nlp/entities.py: the entity ruler's matches read in their sentence, on the built pipeline.

The messages are written for this test: whole answers, not entries of the lexicon
(test_messages_are_not_copied_from_the_lexicon keeps it so). No trained model is needed.
"""

from functools import lru_cache

import pytest
import spacy

from nlp.build_pipeline import PIPELINE_DIR, load_patterns
from nlp.entities import extract


@lru_cache(maxsize=1)
def nlp():
    return spacy.load(PIPELINE_DIR)


def found(text: str) -> dict:
    return {e["entity"]: e["value"] for e in extract(nlp()(text))}


# How people say it, and the one canonical value each factor gets.
FACTORS = [
    ("They found it in her Pancreas last week", "tumor_site", "pancreas"),
    ("a pancreatic one, the doctor said", "tumor_site", "pancreas"),
    ("it's a PNET apparently", "tumor_site", "pancreas"),
    ("in the small intestine near the end", "tumor_site", "gi_tract"),
    ("the scan showed something in his small bowel", "tumor_site", "gi_tract"),
    ("STOMACH i think", "tumor_site", "gi_tract"),
    ("they took out her appendix and found it there", "tumor_site", "gi_tract"),
    ("his Lungs", "tumor_site", "lung"),
    ("it's a bronchial carcinoid", "tumor_site", "lung"),
    ("in her thyroid gland", "tumor_site", "other"),
    ("it started in his liver, that's the primary", "tumor_site", "other"),
    ("yes it's Functional", "hormone_status", "functional"),
    ("it's making hormones, she flushes a lot", "hormone_status", "functional"),
    ("the report says nonfunctional", "hormone_status", "non_functional"),
    ("they said it does not make hormones at all", "hormone_status", "non_functional"),
    ("it doesnt produce any as far as i know", "hormone_status", "non_functional"),
    ("there are a few spots on the liver", "tumor_spread", "liver"),
    ("it's metastatic, mostly in the liver", "tumor_spread", "liver"),
    ("spread to the liver and the bones", "tumor_spread", "liver"),
    ("no, it hasn't spread anywhere", "tumor_spread", "not_spread"),
    ("just a couple of nearby lymph nodes", "tumor_spread", "not_spread"),
    ("it went to some lymph nodes close by, that's all", "tumor_spread", "not_spread"),
    ("it's in her bones now", "tumor_spread", "elsewhere"),
    ("he's stage IV", "tumor_spread", "elsewhere"),
    ("yes, it moved to both his lungs", "tumor_spread", "elsewhere"),
]
# Negation and scope: what is denied is not what was said.
NEGATIONS = [
    ("it got into her bones, but not the liver thank god", "tumor_spread", "elsewhere"),
    ("his liver is clear", "tumor_spread", "not_spread"),
    ("no liver involvement on the scan", "tumor_spread", "not_spread"),
    ("not in the lung after all, in the pancreas", "tumor_site", "pancreas"),
    ("first they said lung, but it's actually the pancreas", "tumor_site", "pancreas"),
]
# What the care team said, in people's words; a question is not what they said.
REFINEMENTS = [
    ("the surgeon thinks she can get all of it", "fully_removable", "yes"),
    ("good news: it can all be removed, they said", "fully_removable", "yes"),
    ("they told us it cannot all be removed", "fully_removable", "no"),
    ("his surgeon says they can't remove all of it", "fully_removable", "no"),
    ("apparently it's unresectable", "fully_removable", "no"),
    ("she is 91 and too frail for surgery", "surgery_concern", "yes"),
    ("honestly I don't think she could handle surgery", "surgery_concern", "yes"),
]
QUESTIONS = [
    "can they get it all out?",
    "Could they take the whole thing out",
    "is it operable?",
]


def test_messages_are_not_copied_from_the_lexicon():
    phrases = {phrase.lower() for _, _, phrase in load_patterns()}
    for text, _, _ in FACTORS + NEGATIONS + REFINEMENTS:
        assert text.lower() not in phrases, text


@pytest.mark.parametrize("text,entity,value", FACTORS + NEGATIONS + REFINEMENTS)
def test_one_canonical_value_per_factor(text, entity, value):
    assert found(text).get(entity) == value


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_is_not_what_the_care_team_said(text):
    assert "fully_removable" not in found(text)


def test_not_knowing_is_not_an_answer():
    assert "tumor_spread" not in found("not sure if it reached the liver")
    assert "tumor_site" not in found("i don't know if it's the lung")


def test_symptoms_never_say_whether_it_makes_hormones():
    for text in ("he gets bad diarrhea from it", "she has flushing every evening"):
        assert found(text) == {"symptom": "symptom"}


def test_scope_words_name_topics_drugs_and_aspects():
    assert found("is prrt safe for older people") == {"topic": "prrt", "aspect": "side_effects"}
    assert found("how often is Lutathera given")["drug"] == "prrt"
    assert found("what about the beads")["aspect"] == "beads"
    assert found("what does catheter mean") == {"term": "catheter"}


def test_values_are_ids_and_spans_are_the_words():
    text = "They found it in her Pancreas"
    (entity,) = extract(nlp()(text))
    assert entity["value"] == "pancreas"
    assert text[entity["start"] : entity["end"]] == "Pancreas"


@pytest.mark.parametrize(
    "text, corrects",
    [
        ("wait no, I mixed them up, his is in the lung", True),
        ("actually the scan said pancreas", True),
        ("what does that drug actually do", False),
        ("wait she just fainted", False),
    ],
)
def test_only_a_message_that_states_a_factor_corrects_one(text, corrects):
    assert ("correction" in found(text)) is corrects


@pytest.mark.parametrize(
    "text, asked",
    [
        ("has it gone to the liver", True),
        ("is it only in the lung?", True),
        ("hasn't spread anywhere", False),  # an auxiliary with a negation and no subject
        ("doesn't make any hormones", False),
    ],
)
def test_a_factor_in_a_question_is_asked_and_a_denial_is_not(text, asked):
    roles = {e.get("role") for e in extract(nlp()(text)) if e["entity"] != "correction"}
    assert roles == ({"asked"} if asked else {None})
