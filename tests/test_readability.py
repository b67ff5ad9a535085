"""Plain language: every response and variation in domain/ at Flesch-Kincaid grade 8 or below."""

import re
import statistics

import pytest
from readability import grade

from actions.factors import FACTOR_LABELS
from actions.sources import page_sources
from support import REPORT, domain

MAX_GRADE = 8.0
MAX_MEDIAN = 6.5
DOMAIN = domain()
SLOT_VALUES_ANY = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
SLOT_VALUES = {name: value for name, value in SLOT_VALUES_ANY.items() if isinstance(value, str)}
# What actions fill in, as a person would read it. Page quotes ({quote}) are the page's own
# words, not the assistant's, so they are left out of the grade.
FILL_INS = {
    "drug": "octreotide",
    "heading": "Surgery",
    "quote": "",
    "definition": "a catheter is a thin tube that bends",
    "page_url": "https://example.org/page.html",
    "questions": "- Could a somatostatin analog help?",
    # the explanation's opening as people read it; its other statements are graded on their own
    "short": next(iter(DOMAIN["responses"]["utter_fit_removal_unknown"]))["text"],
    "details": "",
    "question": "how often peptide radionuclide therapy is given",
    **{f"{slot}_label": next(iter(labels.values())) for slot, labels in FACTOR_LABELS.items()},
}
# Responses that cannot read lower because they must name several of the page's long terms.
MUST_NAME_PAGE_TERMS = {
    "utter_treatment_factors": "names the page's eight treatments, among them somatostatin analogs",
    "utter_term_unknown": "lists the nine page words it explains",
}
EXCEPTIONS = set(MUST_NAME_PAGE_TERMS)


def readable_text(text: str) -> str:
    """The response as a person reads it: slots and action fill-ins in place."""
    values = {**SLOT_VALUES, **FILL_INS}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), text)


GRADES = {
    (name, index): grade(readable_text(variation["text"]))
    for name, variations in DOMAIN["responses"].items()
    for index, variation in enumerate(variations)
    if variation.get("text")
}


@pytest.mark.parametrize("key", sorted(GRADES), ids=[f"{n}[{i}]" for n, i in sorted(GRADES)])
def test_response_reads_at_grade_8_or_below(key):
    name, _ = key
    if name in EXCEPTIONS:
        # an exception that no longer needs to be one comes off the list
        assert GRADES[key] > MAX_GRADE, f"{name} now reads at {GRADES[key]:.1f}: drop its exception"
    else:
        assert GRADES[key] <= MAX_GRADE, f"{name} reads at grade {GRADES[key]:.1f}"


def test_median_grade():
    grades = list(GRADES.values())
    median, worst = statistics.median(grades), max(grades)
    worst_name = max(GRADES, key=lambda key: GRADES[key])[0]
    # the answers that restate the page (their sources: actions/page_sources.yml)
    restating = set(page_sources()["sources"]) | set(page_sources()["hospital_page"])
    answers = [g for (name, _), g in GRADES.items() if name in restating]
    REPORT.append(
        f"readability (Flesch-Kincaid grade) over {len(grades)} responses and variations:"
        f" median {median:.1f}, maximum {worst:.1f} ({worst_name}); over the {len(answers)}"
        f" answers that restate the page: median {statistics.median(answers):.1f},"
        f" maximum {max(answers):.1f}"
    )
    assert median <= MAX_MEDIAN
    assert statistics.median(answers) <= MAX_MEDIAN


def test_the_exceptions_are_responses():
    assert EXCEPTIONS <= set(DOMAIN["responses"])
