"""Every response: present, plain, with buttons that lead somewhere and links that work.

No network here, so a link "works" when it is one the project knows: a URL of the hospital
profile (domain.yml's hospital section, where whoever deploys the assistant sets and checks it; it must be
well-formed https), inserted from its slot, and reaching the reader whole (not glued to
punctuation, not retyped by hand where a typo would go unseen). Whether the page is still online
cannot be checked here. Every variation of every response is read.
"""

import json
import re
from typing import List
from urllib.parse import urlparse

import pytest
from rasa.core.nlg.interpolator import interpolate_text

from actions.factors import FACTOR_LABELS
from scope import topics
from support import domain, entity_names

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]
SLOT_VALUES = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
# fill-ins that actions pass with utter_message instead of slots
ACTION_FILL_INS = {f"{slot}_label" for slot in FACTOR_LABELS} | {
    "questions",
    "drug",
    # action_explain_options and action_answer
    "short",
    "details",
    "question",
    # action_show_source
    "heading",
    "quote",
    "definition",
    "page_url",
}
# the topics' answers (scope/registry.yml)
TOPIC_RESPONSES = [topic.response for topic in topics().values()]
VARIATIONS = [(name, v) for name, variations in RESPONSES.items() for v in variations]
TOPIC_VARIATIONS = [(name, v) for name, v in VARIATIONS if name in TOPIC_RESPONSES]
# the hospital profile's links: the source page, and any other slot named *_url
SOURCE_PAGE_URL = SLOT_VALUES["source_page_url"]
KNOWN_LINKS = {value for name, value in SLOT_VALUES.items() if name.endswith("_url")}
# anything a reader or a chat client could take for a link: a scheme or a www. host
LINK = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s)]+", re.IGNORECASE)
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
            assert entity in entity_names()


def rendered_links(variation) -> List[str]:
    return LINK.findall(rendered(variation.get("text", "")))


@pytest.mark.parametrize("url", sorted(KNOWN_LINKS))
def test_the_profile_links_are_well_formed_https(url):
    parts = urlparse(url)
    assert parts.scheme == "https", url
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", parts.netloc), url
    assert parts.path.startswith("/") and not re.search(r"\s", url), url
    assert parts.geturl() == url and not url.endswith((".", ",", ";", ":")), url


LINKED = [(name, v) for name, v in VARIATIONS if rendered_links(v)]


@pytest.mark.parametrize("name,variation", LINKED, ids=[n for n, _ in LINKED])
def test_links_are_ones_the_project_knows(name, variation):
    for url in rendered_links(variation):
        assert url in KNOWN_LINKS, f"{name} links to {url!r}, which the hospital profile lacks"


@pytest.mark.parametrize("name,variation", TOPIC_VARIATIONS, ids=[n for n, _ in TOPIC_VARIATIONS])
def test_topic_answers_are_short_and_link_to_the_page_and_lead_on(name, variation):
    body = variation["text"].split("\nRead more:")[0]
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", body) if s.strip()]
    assert 2 <= len(sentences) <= 5, sentences
    assert SOURCE_PAGE_URL in rendered_links(variation)
    assert variation.get("buttons")


def test_every_topic_answer_exists():
    assert {name for name, _ in TOPIC_VARIATIONS} == set(TOPIC_RESPONSES)


@pytest.mark.parametrize("name", ["utter_support", "utter_support_simpler", "utter_safety_line"])
def test_support_and_the_safety_line_give_the_crisis_line(name):
    text = RESPONSES[name][0]["text"]
    assert "988" in text and ("call or text" in text)


def test_the_hospital_facts_live_in_one_place():
    facts = [value for value in SLOT_VALUES.values() if isinstance(value, str)]
    for name, variation in VARIATIONS:
        for fact in facts:
            assert fact not in variation.get("text", ""), (
                f"{name} spells out {fact!r}: use its slot"
            )
