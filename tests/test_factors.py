"""The factor table against the source page: every combination of answers and refinements.

Expected words come from the page (its lines, read from the file) or are written out here,
never taken from the table or the labels under test.
"""

import itertools
import re

import pytest

from actions.factors import (
    FIT_TABLE,
    cited_lines,
    labels_for,
    questions_for,
    statements_for,
)
from support import PAGE, domain

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
SITUATIONLESS = ("targeted therapy", "radiation therapy", "peptide radionuclide")


def text_of(response: str) -> str:
    return RESPONSES[response][0]["text"].lower()


def explanation(factors) -> str:
    return " ".join(text_of(name) for name in statements_for(factors))


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
def test_explanation_for_every_combination(factors):
    said = explanation(factors)
    assert said.strip() and questions_for(factors)
    lines = cited_lines(factors)
    assert lines == sorted(set(lines)) and all(PAGE_LINES[n - 1].strip() for n in lines)

    # no cure talk for someone told that not all of the tumor can be removed
    if factors["fully_removable"] == "no":
        assert "cure" not in said.replace("a complete cure is not possible", ""), said
        assert "complete cure is not possible" in said
    # not told: both of the page's cases
    if factors["fully_removable"] is None:
        assert "may cure" in said and "remove part of it" in said and "slow or stop" in said
    # told it can all come out: only the removable case
    if factors["fully_removable"] == "yes":
        assert "may cure" in said and "remove part of it" not in said
    # the page's "in some cases" cure after spread, only where spread is possible
    after_spread = "places it spread to can cure" in said or "in some cases be cured" in said
    spread_possible = factors["tumor_spread"] != "not_spread" and factors["fully_removable"] != "no"
    if factors["tumor_spread"] == "not_sure" and factors["fully_removable"] == "yes":
        spread_possible = False  # not said to have spread: the page's plain case is enough
    assert after_spread == spread_possible, said

    # liver-directed therapies exactly when the liver is involved
    assert ("liver-directed" in said) == (factors["tumor_spread"] == "liver")
    # somatostatin analogs with the page's nuance, whatever the hormones
    assert "somatostatin analogs" in said and "more recent studies show" in said
    # a known site: the same surgery as for other tumors there
    assert ("same as for other tumors" in said) == (factors["tumor_site"] != "not_sure")
    # NETs can be slow growing: active surveillance for everyone, with its note on older patients
    assert "active surveillance" in said and "popular choice for older patients" in said
    assert ("you said surgery would be hard" in said) == (factors["surgery_concern"] == "yes")
    # an unknown factor is left to the care team
    if "not_sure" in (factors["tumor_site"], factors["hormone_status"], factors["tumor_spread"]):
        assert "your care team can" in said


def test_treatments_without_a_situation_on_the_page_are_tied_to_none():
    def naming(factors):
        return [
            name
            for name in statements_for(factors)
            if any(treatment in text_of(name) for treatment in SITUATIONLESS)
            or ("chemotherapy" in text_of(name) and "liver" not in text_of(name))
        ]

    baseline = naming(ALL_COMBINATIONS[0])
    assert baseline, "the page's other treatments are named"
    for factors in ALL_COMBINATIONS:
        assert naming(factors) == baseline, combination_id(factors)
    for treatment in SITUATIONLESS + ("chemotherapy",):
        assert treatment in " ".join(text_of(name) for name in baseline)


def test_a_refinement_narrows_the_explanation():
    told_nothing = {"tumor_site": "lung", "hormone_status": "functional", "tumor_spread": "liver"}
    for refinement in ({"fully_removable": "yes"}, {"fully_removable": "no"}):
        narrowed = statements_for({**told_nothing, **refinement})
        assert narrowed != statements_for(told_nothing)
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
        "gi_tract": "digestive",
        "pancreas": "pancreas",
        "lung": "lung",
        "other": "another part",
        "not_sure": "not sure",
    },
    "hormone_status": {
        "functional": "makes hormones",
        "non_functional": "does not make hormones",
        "not_sure": "not sure",
    },
    "tumor_spread": {
        "liver": "liver",
        "elsewhere": "spread beyond",
        "not_spread": "not spread",
        "not_sure": "not sure",
    },
}


@pytest.mark.parametrize(
    "site,hormones,spread", list(itertools.product(SITES, HORMONES, SPREADS)), ids=str
)
def test_summary_labels_fill_every_placeholder(site, hormones, spread):
    factors = {"tumor_site": site, "hormone_status": hormones, "tumor_spread": spread}
    summary = RESPONSES["utter_fit_summary"][0]["text"]
    fill = {**labels_for(factors), "hospital_name": "the hospital"}
    filled = summary.format(**fill)  # KeyError if a placeholder has no label
    assert not re.search(r"\{\w+\}", filled)
    said = filled.lower()
    for slot, value in factors.items():
        assert SUMMARY_WORDS[slot][value] in said, (slot, value, said)
