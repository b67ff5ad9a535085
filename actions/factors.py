"""The factors that shape NET treatment, and which of the page's statements fit which answers.

The page: treatment "depends on many factors ... the location of the tumor, whether it is
functional or non-functional, and how advanced the disease is". The walk-through asks for
these (plus two follow-ups the page makes matter: whether all of it can be removed, and
whether surgery would be hard to bear) and explains the approaches with FIT_TABLE below.
The statements themselves are responses in domain/walkthrough.yml; this module only says which apply.
"""

from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, NamedTuple

import spacy

NOT_SURE = "not_sure"

# slot -> canonical value -> how it reads back in "the tumor started in ...; it ...".
# The order of the values is the precedence when one message names several
# ("spread to the liver and the bones" is a liver case).
FACTOR_LABELS: Dict[str, Dict[str, str]] = {
    "tumor_site": {
        "gi_tract": "the GI (digestive) tract",
        "pancreas": "the pancreas",
        "lung": "the lung",
        "other": "another part of the body",
        NOT_SURE: "a place you're not sure of yet",
    },
    "hormone_status": {
        "functional": "makes hormones (functional)",
        "non_functional": "does not make hormones (non-functional)",
        NOT_SURE: "may or may not make hormones (not sure yet)",
    },
    "tumor_spread": {
        "liver": "has spread to the liver",
        "elsewhere": "has spread beyond the main tumor",
        "not_spread": "has not spread beyond nearby lymph nodes",
        NOT_SURE: "may or may not have spread (not sure yet)",
    },
    "fully_removable": {"yes": "yes", "no": "no", NOT_SURE: "not sure"},
    "surgery_concern": {"yes": "yes", "no": "no", NOT_SURE: "not sure"},
}

FACTOR_SLOTS = tuple(FACTOR_LABELS)
# Slots whose free-text answers are read with the entity ruler; the others are yes / no / not sure.
ENTITY_SLOTS = ("tumor_site", "hormone_status", "tumor_spread")

SPREAD = frozenset({"liver", "elsewhere"})
KNOWN_SITES = frozenset({"gi_tract", "pancreas", "lung", "other"})


class Fit(NamedTuple):
    """A row: when every named slot holds one of its values, say `statement`, suggest `question`."""

    when: Mapping[str, FrozenSet[str]]
    statement: str | None
    question: str | None


def _is(*values: str) -> FrozenSet[str]:
    return frozenset(values)


FIT_TABLE: List[Fit] = [
    # how advanced it is, and whether all of it can be removed
    Fit(
        {"tumor_spread": _is("not_spread"), "fully_removable": _is("yes")},
        "utter_fit_not_spread",
        "utter_question_can_all_be_removed",
    ),
    Fit(
        {"tumor_spread": SPREAD, "fully_removable": _is("yes")},
        "utter_fit_spread_removable",
        "utter_question_spread_removal",
    ),
    Fit(
        {"tumor_spread": _is(NOT_SURE), "fully_removable": _is("yes")}, "utter_fit_removable", None
    ),
    Fit(
        {"fully_removable": _is(NOT_SURE)},
        "utter_fit_removal_unknown",
        "utter_question_can_all_be_removed",
    ),
    Fit(
        {"fully_removable": _is("no")}, "utter_fit_not_removable", "utter_question_slow_progression"
    ),
    Fit({"tumor_spread": _is(NOT_SURE)}, "utter_fit_spread_not_sure", "utter_question_spread"),
    Fit({"tumor_spread": _is("liver")}, "utter_fit_liver", "utter_question_liver"),
    # whether it makes hormones
    Fit(
        {"hormone_status": _is("functional")}, "utter_fit_functional", "utter_question_somatostatin"
    ),
    Fit(
        {"hormone_status": _is("non_functional")},
        "utter_fit_non_functional",
        "utter_question_somatostatin",
    ),
    Fit(
        {"hormone_status": _is(NOT_SURE)}, "utter_fit_hormones_not_sure", "utter_question_hormones"
    ),
    # where it is
    Fit({"tumor_site": KNOWN_SITES}, "utter_fit_site", None),
    Fit({"tumor_site": _is("gi_tract", "lung")}, "utter_fit_common_site", None),
    Fit({"tumor_site": _is(NOT_SURE)}, "utter_fit_site_not_sure", "utter_question_where"),
    # slow growing, older, or surgery hard to bear
    Fit(
        {"surgery_concern": _is("yes")},
        "utter_fit_active_surveillance",
        "utter_question_surveillance",
    ),
    Fit(
        {"surgery_concern": _is(NOT_SURE)},
        "utter_fit_surveillance_not_sure",
        "utter_question_surveillance",
    ),
    # for everyone: the page's case for an experienced team and its clinical trials
    Fit({}, None, "utter_question_experience"),
    Fit({}, None, "utter_question_trials"),
]


def answer(factors: Mapping[str, str | None], slot: str) -> str:
    """The value given for `slot`; an unasked or empty factor counts as not sure."""
    return factors.get(slot) or NOT_SURE


def fitting_rows(factors: Mapping[str, str | None]) -> List[Fit]:
    """The rows of FIT_TABLE whose conditions the given factor values meet, in table order."""
    return [
        row
        for row in FIT_TABLE
        if all(answer(factors, slot) in values for slot, values in row.when.items())
    ]


def statements_for(factors: Mapping[str, str | None]) -> List[str]:
    return [row.statement for row in fitting_rows(factors) if row.statement]


def questions_for(factors: Mapping[str, str | None]) -> List[str]:
    questions: List[str] = []
    for row in fitting_rows(factors):
        if row.question and row.question not in questions:
            questions.append(row.question)
    return questions


def labels_for(factors: Mapping[str, str | None]) -> Dict[str, str]:
    """`<slot>_label` fill-ins for the summary response."""
    return {
        f"{slot}_label": labels.get(answer(factors, slot), labels[NOT_SURE])
        for slot, labels in FACTOR_LABELS.items()
    }


# --- reading people's words -------------------------------------------------------------

PIPELINE_DIR = Path(__file__).resolve().parent.parent / "nlp" / "net_pipeline"


@lru_cache(maxsize=1)
def _ruler() -> "spacy.language.Language":
    # The same pipeline Rasa's SpacyNLP loads (config.yml), so both read words the same way.
    return spacy.load(PIPELINE_DIR)


def mentioned_values(label: str, text: str) -> List[str]:
    """Canonical values of `label` that the entity ruler finds in `text`, in order."""
    return [ent.ent_id_ for ent in _ruler()(text).ents if ent.label_ == label]


def canonical_value(slot: str, value: str | None, message_text: str = "") -> str | None:
    """Turn what filled `slot` into its canonical value, or None when it can't be placed.

    `value` may already be canonical (a button), an entity's surface text ("Pancreas"), or a
    whole free-text answer. The message it came from is read too, so that of several mentions
    the one with precedence wins ("it's metastatic, mostly in the liver" -> liver).
    """
    labels = FACTOR_LABELS[slot]
    if isinstance(value, str) and value.strip().lower() in labels:
        return value.strip().lower()
    if slot not in ENTITY_SLOTS or not isinstance(value, str):
        return None
    found = set(mentioned_values(slot, value)) | set(mentioned_values(slot, message_text))
    return next((canonical for canonical in labels if canonical in found), None)
