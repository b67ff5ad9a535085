"""The hospital profile: another hospital's profile in place of domain/hospital.yml is all a
deployment needs, and nothing about MD Anderson is left in what the assistant says."""

import re

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.sources import ActionShowSource, page_sources
from support import DOMAIN_DIR, ROOT, make_tracker, merged_domain

PROFILE = DOMAIN_DIR / "hospital.yml"
OTHER_PROFILE = ROOT / "tests" / "other_hospital.yml"
REAL = yaml.safe_load(PROFILE.read_text())
OTHER = yaml.safe_load(OTHER_PROFILE.read_text())
DEPLOYED = merged_domain(
    [path for path in sorted(DOMAIN_DIR.glob("*.yml")) if path != PROFILE] + [OTHER_PROFILE]
)
OTHER_SLOTS = {name: slot["initial_value"] for name, slot in OTHER["slots"].items()}
# What is MD Anderson's and no one else's: the profile's values, the names its responses give
# its services, and its quotes' mentions of the hospital.
MD_ANDERSON_FACTS = [
    value
    for value in (s["initial_value"] for s in REAL["slots"].values())
    if isinstance(value, str)
] + ["MD Anderson", "mdanderson", "Becoming Our Patient", "MyCancerConnection", "877-632"]


def said(text: str) -> str:
    """The text with the other hospital's profile filled in."""
    return re.sub(r"\{(\w+)\}", lambda m: str(OTHER_SLOTS.get(m[1], m[0])), text)


def leaks(text: str) -> list:
    return [fact for fact in MD_ANDERSON_FACTS if fact.lower() in text.lower()]


def test_the_other_profile_fills_the_same_slots_and_responses():
    assert set(OTHER["slots"]) == set(REAL["slots"])
    assert set(OTHER["responses"]) == set(REAL["responses"])
    assert set(OTHER_SLOTS["hospital_sources"]) == set(
        REAL["slots"]["hospital_sources"]["initial_value"]
    )


@pytest.mark.parametrize("name", sorted(DEPLOYED["responses"]))
def test_no_md_anderson_fact_in_any_response(name):
    for variation in DEPLOYED["responses"][name]:
        text = said(variation.get("text", ""))
        assert not leaks(text), f"{name}: {leaks(text)}"


@pytest.mark.parametrize("name", sorted(OTHER_SLOTS["hospital_sources"]))
async def test_the_source_of_a_hospital_answer_is_the_other_hospitals_page(name):
    dispatcher = CollectingDispatcher()
    events = [{"event": "bot", "text": "...", "metadata": {"utter_action": name}}]
    tracker = make_tracker(slots=OTHER_SLOTS, intent="ask_source", events=events)
    await ActionShowSource().run(dispatcher, tracker, DEPLOYED)
    for message in dispatcher.messages:
        assert not leaks(" ".join(str(value) for value in message.values())), message
    assert dispatcher.messages[-1]["page_url"] == OTHER_SLOTS["source_page_url"]


async def test_the_source_of_a_net_answer_is_still_the_page_it_restates():
    # The answers about NETs restate MD Anderson's page whoever deploys: the citation says so.
    dispatcher = CollectingDispatcher()
    events = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_prrt"}}]
    tracker = make_tracker(slots=OTHER_SLOTS, intent="ask_source", events=events)
    await ActionShowSource().run(dispatcher, tracker, DEPLOYED)
    assert dispatcher.messages[-1]["page_url"] == page_sources()["page"]["url"]
