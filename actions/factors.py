"""The factors that shape NET treatment, and which of the page's statements fit which answers.

The page: treatment "depends on many factors ... the location of the tumor, whether it is
functional or non-functional, and how advanced the disease is". The walk-through asks for
these three and then explains with FIT_TABLE below. Afterwards people may add what the care
team said (refinements): whether all of it can be removed, whether surgery would be hard to bear.
The statements themselves are responses in domain.yml; this module only says which apply,
which of them open the explanation ("In short"), and which lines of the source page each one
restates. The values are the canonical ids nlp/entities.py gives (nlp/entity_patterns.yml).
"""

from typing import Any, Dict, FrozenSet, List, Mapping, NamedTuple, Tuple

NOT_SURE = "not_sure"

# slot -> canonical value -> how it reads back in "In short: the tumor started in ..., ..., and ...".
FACTOR_LABELS: Dict[str, Dict[str, str]] = {
    "tumor_site": {
        "gi_tract": "the gut (GI tract)",
        "pancreas": "the pancreas",
        "lung": "the lung",
        "other": "another part of the body",
        NOT_SURE: "a place you're not sure of yet",
    },
    "hormone_status": {
        "functional": "makes hormones (functional)",
        "non_functional": "does not make hormones (non-functional)",
        NOT_SURE: "may or may not make hormones",
    },
    # spread in the page's sense: beyond the main tumor and the nearby lymph nodes
    "tumor_spread": {
        "liver": "has spread to the liver",
        "elsewhere": "has spread beyond the main tumor and nearby lymph nodes",
        "not_spread": "has not spread beyond nearby lymph nodes",
        NOT_SURE: "may or may not have spread",
    },
}
# What the care team said, added after the explanation (refine_options). Nobody has to say it:
# unsaid counts as not sure. The canonical values are the entity ruler's ids for these labels.
# "no" comes first: "can't remove all of it" names both, and the negation wins.
REFINEMENTS: Dict[str, Tuple[str, ...]] = {
    "fully_removable": ("no", "yes"),
    "surgery_concern": ("yes",),
}

FACTOR_SLOTS = tuple(FACTOR_LABELS)
REFINEMENT_SLOTS = tuple(REFINEMENTS)

SPREAD = frozenset({"liver", "elsewhere"})
KNOWN_SITES = frozenset({"gi_tract", "pancreas", "lung", "other"})


class Fit(NamedTuple):
    """A row: when every named slot holds one of its values, say `statement`, suggest `question`.

    `lines` are the 1-based lines of the source page that the row restates. A row `in_short`
    opens the explanation; the others follow it as the details.
    """

    when: Mapping[str, FrozenSet[str]]
    statement: str | None
    question: str | None
    lines: Tuple[int, ...]
    in_short: bool = False


def _is(*values: str) -> FrozenSet[str]:
    return frozenset(values)


NOT_TOLD_OTHERWISE = _is(NOT_SURE, "yes")  # fully_removable unless the care team said "no"

FIT_TABLE: List[Fit] = [
    # whether all of it can be removed: both of the page's cases until the care team has said
    Fit(
        {"fully_removable": _is(NOT_SURE)},
        "utter_fit_removal_unknown",
        "utter_question_can_all_be_removed",
        (10, 12, 13),
        in_short=True,
    ),
    Fit(
        {"fully_removable": _is(NOT_SURE), "tumor_spread": SPREAD | {NOT_SURE}},
        "utter_fit_removal_unknown_spread",
        "utter_question_spread_removal",
        (11,),
    ),
    Fit({"fully_removable": _is("yes")}, "utter_fit_removable", None, (10,), in_short=True),
    Fit(
        {"fully_removable": _is("yes"), "tumor_spread": SPREAD},
        "utter_fit_spread_removable",
        "utter_question_spread_removal",
        (11,),
    ),
    Fit(
        {"fully_removable": _is("no")},
        "utter_fit_not_removable",
        "utter_question_slow_progression",
        (12, 13),
        in_short=True,
    ),
    # how advanced it is
    Fit(
        {"tumor_spread": _is("not_spread"), "fully_removable": NOT_TOLD_OTHERWISE},
        "utter_fit_not_spread",
        None,
        (19,),
    ),
    Fit(
        {"tumor_spread": _is(NOT_SURE)}, "utter_fit_spread_not_sure", "utter_question_spread", (19,)
    ),
    Fit({"tumor_spread": _is("liver")}, "utter_fit_liver", "utter_question_liver", (33, 34)),
    # whether it makes hormones
    Fit(
        {"hormone_status": _is("functional")},
        "utter_fit_functional",
        "utter_question_somatostatin",
        (31, 32),
    ),
    Fit(
        {"hormone_status": _is("non_functional")},
        "utter_fit_non_functional",
        "utter_question_somatostatin",
        (31, 32),
    ),
    Fit(
        {"hormone_status": _is(NOT_SURE)},
        "utter_fit_hormones_not_sure",
        "utter_question_hormones",
        (31, 32),
    ),
    # where it is
    Fit({"tumor_site": KNOWN_SITES}, "utter_fit_site", None, (20,)),
    Fit({"tumor_site": _is(NOT_SURE)}, "utter_fit_site_not_sure", "utter_question_where", (20,)),
    # NETs can be slow growing: active surveillance, popular for older patients
    Fit(
        {"surgery_concern": _is(NOT_SURE)},
        "utter_fit_active_surveillance",
        "utter_question_surveillance",
        (16, 17),
    ),
    Fit(
        {"surgery_concern": _is("yes")},
        "utter_fit_surveillance_hard_to_bear",
        "utter_question_surveillance",
        (16, 17),
    ),
    # treatments the page describes without naming a situation for them
    Fit({}, "utter_fit_other_treatments", None, (22, 24, 28, 30)),
]


def answers_of(tracker: Any) -> Dict[str, str | None]:
    """The walk-through's answers and what the care team said, from a tracker's slots: what both
    the explanation and "where does it say that?" read, so they cite the same rows."""
    return {slot: tracker.get_slot(slot) for slot in FACTOR_SLOTS + REFINEMENT_SLOTS}


def answer(factors: Mapping[str, str | None], slot: str) -> str:
    """The value given for `slot`; an unasked, unsaid or empty one counts as not sure."""
    return factors.get(slot) or NOT_SURE


def fitting_rows(factors: Mapping[str, str | None]) -> List[Fit]:
    """The rows of FIT_TABLE whose conditions the given values meet, in table order."""
    return [
        row
        for row in FIT_TABLE
        if all(answer(factors, slot) in values for slot, values in row.when.items())
    ]


def statements_for(factors: Mapping[str, str | None], in_short: bool) -> List[str]:
    """The statements of the explanation's opening (in_short) or of its details."""
    rows = fitting_rows(factors)
    return [row.statement for row in rows if row.statement and row.in_short == in_short]


def _asks_what_is_unknown(row: Fit) -> bool:
    return any(slot in FACTOR_SLOTS and values == {NOT_SURE} for slot, values in row.when.items())


def questions_for(factors: Mapping[str, str | None]) -> List[str]:
    """Questions for the care team: first those about a factor not known yet, then table order."""
    rows = sorted(fitting_rows(factors), key=lambda row: not _asks_what_is_unknown(row))
    return list(dict.fromkeys(row.question for row in rows if row.question))


def cited_lines(factors: Mapping[str, str | None]) -> List[int]:
    """The source page's lines (1-based, ascending) behind the explanation for `factors`."""
    return sorted({line for row in fitting_rows(factors) for line in row.lines})


def labels_for(factors: Mapping[str, str | None]) -> Dict[str, str]:
    """`<slot>_label` fill-ins for the summary response."""
    return {
        f"{slot}_label": labels.get(answer(factors, slot), labels[NOT_SURE])
        for slot, labels in FACTOR_LABELS.items()
    }


def canonical_value(slot: str, value: object) -> str | None:
    """`value` if it is one of the slot's canonical values (nlp/entities.py gives them)."""
    values = tuple(FACTOR_LABELS[slot]) if slot in FACTOR_LABELS else REFINEMENTS[slot]
    return value if isinstance(value, str) and value in values else None
