"""The factor table against the source page, and the explanation people read: every
combination of answers and refinements, through action_explain_options itself.

Expected words come from the page (its lines, read from the file) or are written out here,
never taken from the table or the labels under test.
"""

import asyncio
import itertools
import re
from functools import cache
from typing import List

import pytest
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk.executor import CollectingDispatcher

from actions.factors import FIT_TABLE, cited_lines, statements_for
from actions.walkthrough import ActionExplainOptions
from support import PAGE, domain, make_tracker

RESPONSES = domain()["responses"]
PAGE_LINES = PAGE.read_text(encoding="utf-8").splitlines()

# Every answer the walk-through can hold, written out: each factor with "not sure", and each
# refinement unsaid (None) or said.
SITES = ["gi_tract", "pancreas", "lung", "other", "not_sure"]
HORMONES = ["functional", "non_functional", "not_sure"]
SPREADS = ["liver", "elsewhere", "not_spread", "not_sure"]
REMOVABLE = [None, "yes", "no"]
SURGERY_HARD = [None, "yes"]
ALL_COMBINATIONS = [
    {
        "tumor_site": site,
        "hormone_status": hormones,
        "tumor_spread": spread,
        "fully_removable": removable,
        "surgery_concern": hard,
    }
    for site, hormones, spread, removable, hard in itertools.product(
        SITES, HORMONES, SPREADS, REMOVABLE, SURGERY_HARD
    )
]

# Medical words: a statement may use one only when a page line it cites has it too.
MEDICAL_WORDS = [
    "cure",
    "surgery",
    "remove",
    "spread",
    "lymph nodes",
    "liver",
    "catheter",
    "artery",
    "radioactive",
    "chemotherapy",
    "targeted therapy",
    "radiation therapy",
    "peptide radionuclide",
    "somatostatin",
    "hormones",
    "symptoms",
    "slow",
    "active surveillance",
    "older",
    "blood",
    "urine",
    "imaging",
    "same",
    "most common",
]
# the page spells it "Somostatin" once and "Somatostatin" in its heading
PAGE_SPELLINGS = {"somatostatin": ("somatostatin", "somostatin"), "hormones": ("hormone",)}
# treatments for which the page names no situation: they must read the same whatever was said
SITUATIONLESS = ("targeted therapy", "radiation", "peptide radionuclide")


SLOT_VALUES = {name: slot.get("initial_value") for name, slot in domain()["slots"].items()}
# The question to ask the care team about each factor not known yet, written out here.
UNKNOWN_QUESTIONS = {
    "tumor_site": "where did the tumor start?",
    "hormone_status": "does the tumor make hormones?",
    "tumor_spread": "has the tumor spread",
}
# The explanation's budget (issue 21): a phone screen after bad news.
MAX_MESSAGES, MAX_WORDS = 5, 300


def text_of(response: str) -> str:
    return RESPONSES[response][0]["text"].lower()


@cache
def _explained(key: tuple) -> List[str]:
    factors = dict(key)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={**SLOT_VALUES, **factors}, intent="inform")
    asyncio.run(ActionExplainOptions().run(dispatcher, tracker, domain()))
    messages = []
    for message in dispatcher.messages:
        template = RESPONSES[message["response"]][0]["text"]
        fill = {**SLOT_VALUES, **{k: v for k, v in message.items() if isinstance(v, str)}}
        messages.append(interpolate_text(template, fill))
    return messages


def explained(factors) -> List[str]:
    """The messages action_explain_options sends for these answers, as people read them."""
    return _explained(tuple(sorted(factors.items())))


def explanation(factors) -> str:
    return " ".join(explained(factors)).lower()


def sentences_of(text: str) -> List[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def page_text(lines) -> str:
    return " ".join(PAGE_LINES[line - 1] for line in lines).lower()


def combination_id(factors) -> str:
    return "-".join(str(value) for value in factors.values())


@pytest.mark.parametrize("row", FIT_TABLE, ids=lambda row: row.statement or row.question)
def test_every_row_cites_lines_that_are_on_the_page(row):
    assert row.lines, "a row must cite the page line(s) it restates"
    for line in row.lines:
        assert 1 <= line <= len(PAGE_LINES), f"line {line} is not on the page"
        assert PAGE_LINES[line - 1].strip(), f"line {line} is blank"


@pytest.mark.parametrize("row", [r for r in FIT_TABLE if r.statement], ids=lambda r: r.statement)
def test_a_statement_uses_only_medical_words_of_the_lines_it_cites(row):
    said, cited = text_of(row.statement), page_text(row.lines)
    for word in MEDICAL_WORDS:
        if word in said:
            spellings = PAGE_SPELLINGS.get(word, (word,))
            assert any(spelling in cited for spelling in spellings), (word, row.lines)


@pytest.mark.parametrize("factors", ALL_COMBINATIONS, ids=combination_id)
def test_the_explanation_is_short_first_and_says_each_thing_once(factors):
    messages = explained(factors)
    # four messages, and "Was this helpful?" after them (data/rules/walkthrough.yml)
    assert len(messages) + 1 <= MAX_MESSAGES
    assert messages[0].startswith("In short:")
    assert 2 <= len(sentences_of(messages[0])) <= 4, messages[0]
    words = sum(len(message.split()) for message in messages)
    assert words <= MAX_WORDS, f"{words} words"
    said = [sentence for message in messages for sentence in sentences_of(message)]
    assert len(said) == len(set(said)), "a sentence is repeated"
    assert not re.search(r"\{\w+\}", " ".join(messages)), "a placeholder left unfilled"


@pytest.mark.parametrize("factors", ALL_COMBINATIONS, ids=combination_id)
def test_explanation_for_every_combination(factors):
    said = explanation(factors)
    assert "questions for the care team" in said
    lines = cited_lines(factors)
    assert all(PAGE_LINES[n - 1].strip() for n in lines)

    # no cure talk for someone told that not all of the tumor can be removed
    if factors["fully_removable"] == "no":
        assert "cure" not in said.replace("a complete cure is not possible", ""), said
        assert "complete cure is not possible" in said
    # not told: both of the page's cases, with its "vast majority"
    if factors["fully_removable"] is None:
        assert "may cure" in said and "vast majority" in said and "slow or stop" in said
    # told it can all come out: only the removable case
    if factors["fully_removable"] == "yes":
        assert "may cure" in said and "vast majority" not in said
    # the page's "in some cases" cure after spread, only where spread is possible
    after_spread = "places it spread to can cure" in said or "in some cases be cured" in said
    spread_possible = factors["tumor_spread"] != "not_spread" and factors["fully_removable"] != "no"
    if factors["tumor_spread"] == "not_sure" and factors["fully_removable"] == "yes":
        spread_possible = False  # not said to have spread: the page's plain case is enough
    assert after_spread == spread_possible, said
    # the page's hedge on removal before spread, word for word
    if factors["tumor_spread"] in ("not_spread", "not_sure") and factors["fully_removable"] != "no":
        assert "especially so if they are found before they spread" in said

    # liver-directed therapies exactly when the liver is involved
    assert ("liver-directed" in said) == (factors["tumor_spread"] == "liver")
    # somatostatin analogs, with the page's newer finding wherever it is not a functional NET
    assert "somatostatin analogs" in said
    assert ("more recent studies show" in said) == (factors["hormone_status"] != "functional")
    # a known site: surgery essentially identical to surgery for other tumors there
    assert ("essentially identical" in said) == (factors["tumor_site"] != "not_sure")
    # NETs can be slow growing: active surveillance for everyone, with its note on older patients
    assert "active surveillance" in said and "popular approach for older patients" in said
    assert ("you said surgery would be hard" in said) == (factors["surgery_concern"] == "yes")
    # an unknown factor is left to the care team: a question to ask them about it
    for slot, question in UNKNOWN_QUESTIONS.items():
        if factors[slot] == "not_sure":
            assert question in said, slot


def test_treatments_without_a_situation_on_the_page_are_tied_to_none():
    def naming(factors):
        return [
            name
            for name in statements_for(factors, in_short=False)
            if any(treatment in text_of(name) for treatment in SITUATIONLESS)
            or ("chemo" in text_of(name) and "liver" not in text_of(name))
        ]

    baseline = naming(ALL_COMBINATIONS[0])
    assert baseline, "the page's other treatments are named"
    for factors in ALL_COMBINATIONS:
        assert naming(factors) == baseline, combination_id(factors)
    for treatment in SITUATIONLESS + ("chemo",):
        assert treatment in " ".join(text_of(name) for name in baseline)


def test_a_refinement_narrows_the_explanation():
    told_nothing = {"tumor_site": "lung", "hormone_status": "functional", "tumor_spread": "liver"}
    for refinement in ({"fully_removable": "yes"}, {"fully_removable": "no"}):
        narrowed = statements_for({**told_nothing, **refinement}, in_short=True)
        assert narrowed != statements_for(told_nothing, in_short=True)
        assert len(explanation({**told_nothing, **refinement})) < len(explanation(told_nothing))
    hard = explanation({**told_nothing, "surgery_concern": "yes"})
    assert "you said surgery would be hard" in hard


def test_cited_lines_are_the_lines_of_the_statements_given():
    factors = {"tumor_site": "pancreas", "hormone_status": "functional", "tumor_spread": "liver"}
    lines = cited_lines(factors)
    # where the page says it: liver-directed therapies, somatostatin analogs, same surgery per site
    assert "liver directed therapies" in page_text(lines)
    assert "somostatin analogs" in page_text(lines)
    assert "identical to surgeries for other types of tumors" in page_text(lines)
    assert "can be effectively cured" in page_text(lines)
    lines_removable = cited_lines({**factors, "fully_removable": "no"})
    assert "can be effectively cured" not in page_text(lines_removable)


# What the summary must read back for each answer, written out independently of FACTOR_LABELS.
SUMMARY_WORDS = {
    "tumor_site": {
        "gi_tract": "gut (gi tract)",
        "pancreas": "pancreas",
        "lung": "lung",
        "other": "another part",
        "not_sure": "not sure",
    },
    "hormone_status": {
        "functional": "makes hormones",
        "non_functional": "does not make hormones",
        "not_sure": "may or may not make hormones",
    },
    "tumor_spread": {
        "liver": "liver",
        "elsewhere": "spread beyond the main tumor and nearby lymph nodes",
        "not_spread": "not spread",
        "not_sure": "may or may not have spread",
    },
}


@pytest.mark.parametrize(
    "site,hormones,spread", list(itertools.product(SITES, HORMONES, SPREADS)), ids=str
)
def test_in_short_reads_back_every_answer(site, hormones, spread):
    factors = {"tumor_site": site, "hormone_status": hormones, "tumor_spread": spread}
    said = explained(factors)[0].lower()
    for slot, value in factors.items():
        assert SUMMARY_WORDS[slot][value] in said, (slot, value, said)
