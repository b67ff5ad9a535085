"""The factor table: every combination of answers gets a sound explanation."""

import itertools

import pytest

from actions.factors import (
    FACTOR_LABELS,
    FIT_TABLE,
    NOT_SURE,
    labels_for,
    questions_for,
    statements_for,
)
from support import domain

RESPONSES = domain()["responses"]
ALL_COMBINATIONS = [
    dict(zip(FACTOR_LABELS, values, strict=True))
    for values in itertools.product(*FACTOR_LABELS.values())
]
CURE_CLAIMS = ("may cure", "can sometimes cure")


def text_of(response: str) -> str:
    return RESPONSES[response][0]["text"].lower()


def explanation(factors) -> str:
    return " ".join(text_of(name) for name in statements_for(factors))


def test_every_response_the_table_names_exists():
    for row in FIT_TABLE:
        for name in (row.statement, row.question):
            assert name is None or name in RESPONSES, name


@pytest.mark.parametrize("factors", ALL_COMBINATIONS, ids=lambda f: "-".join(f.values()))
def test_explanation_for_every_combination(factors):
    said = explanation(factors)
    assert said.strip()
    assert questions_for(factors)
    # no "may cure" for someone told that not all of the tumor can be removed
    if factors["fully_removable"] == "no":
        assert not any(claim in said for claim in CURE_CLAIMS), said
        assert "complete cure is not possible" in said
    # liver-directed therapies exactly when the liver is involved
    assert ("liver-directed" in said) == (factors["tumor_spread"] == "liver")
    if factors["hormone_status"] == "functional":
        assert "somatostatin analogs" in said
    # an unknown factor is explained as something the care team can find out or talk through
    for slot in FACTOR_LABELS:
        if factors[slot] == NOT_SURE:
            assert "your care team can" in said
    if factors["surgery_concern"] == "yes":
        assert "active surveillance" in said
    if factors["tumor_spread"] == "not_spread" and factors["fully_removable"] != "no":
        assert "may cure" in said


def test_unasked_follow_ups_read_as_not_sure_and_still_explain():
    factors = {"tumor_site": "pancreas", "hormone_status": "functional", "tumor_spread": "liver"}
    assert "liver-directed" in explanation(factors)
    assert labels_for(factors)["fully_removable_label"] == "not sure"
    unasked_as_not_sure = {**factors, "fully_removable": NOT_SURE, "surgery_concern": NOT_SURE}
    assert statements_for(factors) == statements_for(unasked_as_not_sure)


def test_summary_labels_fill_every_placeholder():
    labels = labels_for({slot: next(iter(values)) for slot, values in FACTOR_LABELS.items()})
    summary = RESPONSES["utter_fit_summary"][0]["text"]
    for key in labels:
        assert "{" + key + "}" in summary
