"""Every response: present, plain, with buttons that lead somewhere and links that work."""

import json
import re
from urllib.parse import urlparse

import pytest
from rasa.core.nlg.interpolator import interpolate_text

from actions.factors import FACTOR_LABELS
from support import domain

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]
SLOT_VALUES = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
# fill-ins that actions pass with utter_message instead of slots
ACTION_FILL_INS = {f"{slot}_label" for slot in FACTOR_LABELS} | {
    "questions",
    "drug",
    # action_show_source
    "heading",
    "quote",
    "definition",
    "page_url",
}
TOPIC_RESPONSES = [
    "utter_expert_team",
    "utter_treatment_factors",
    "utter_surgery",
    "utter_surgery_not_possible",
    "utter_active_surveillance",
    "utter_chemotherapy",
    "utter_targeted_therapy",
    "utter_radiation_therapy",
    "utter_prrt",
    "utter_somatostatin_analogs",
    "utter_liver_directed_therapy",
    "utter_where_nets_occur",
    "utter_clinical_trials",
    "utter_request_appointment",
    "utter_support",
    "utter_treatment_goal",
    "utter_spread",
    "utter_second_opinion",
    "utter_insurance",
]
VARIATIONS = [(name, v) for name, variations in RESPONSES.items() for v in variations]
BUTTON_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")


def rendered(text: str) -> str:
    """The text as Rasa sends it, with the hospital slots filled in."""
    return interpolate_text(text, {k: v for k, v in SLOT_VALUES.items() if v is not None})


@pytest.mark.parametrize("name,variation", VARIATIONS, ids=[n for n, _ in VARIATIONS])
def test_response_is_non_empty_and_fills_only_known_values(name, variation):
    text = variation.get("text", "")
    assert text.strip()
    for placeholder in re.findall(r"\{(\w+)\}", text):
        assert placeholder in SLOT_VALUES or placeholder in ACTION_FILL_INS, placeholder


@pytest.mark.parametrize("name,variation", VARIATIONS, ids=[n for n, _ in VARIATIONS])
def test_buttons_name_intents_and_entities_in_the_domain(name, variation):
    buttons = variation.get("buttons", [])
    assert len(buttons) <= 5, "Slack shows no buttons at all past five"
    for button in buttons:
        assert button["title"].strip()
        # single braces would be read as a slot to fill, and logged as an error on every send
        assert "{" not in button["payload"] or "{{" in button["payload"], button["payload"]
        match = BUTTON_PAYLOAD.match(rendered(button["payload"]))
        assert match, button["payload"]
        assert match["intent"] in DOMAIN["intents"]
        for entity in json.loads(match["entities"] or "{}"):
            assert entity in DOMAIN["entities"]


@pytest.mark.parametrize("name,variation", VARIATIONS, ids=[n for n, _ in VARIATIONS])
def test_links_are_well_formed(name, variation):
    for url in re.findall(r"https?://[^\s)]+", rendered(variation.get("text", ""))):
        parts = urlparse(url)
        assert parts.scheme == "https" and "." in parts.netloc and not url.endswith((".", ",")), url


@pytest.mark.parametrize("name", TOPIC_RESPONSES)
def test_topic_answers_are_short_and_lead_on(name):
    variation = RESPONSES[name][0]
    body = variation["text"].split("\nRead more:")[0]
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", body) if s.strip()]
    assert 2 <= len(sentences) <= 5, sentences
    assert "{source_page_url}" in variation["text"]
    assert variation.get("buttons")


def test_the_hospital_facts_live_in_one_place():
    facts = [value for value in SLOT_VALUES.values() if isinstance(value, str)]
    for name, variation in VARIATIONS:
        for fact in facts:
            assert fact not in variation.get("text", ""), (
                f"{name} spells out {fact!r}: use its slot"
            )
