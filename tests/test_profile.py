"""The hospital profile: another hospital's profile in place of MD Anderson's (domain.yml's
hospital section and `hospital_page` in actions/page_sources.yml) is all a deployment needs, and
nothing about MD Anderson is left in what the assistant says."""

import re

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions import sources
from actions.sources import ActionShowSource
from support import ROOT, domain, make_tracker

OTHER = yaml.safe_load((ROOT / "tests" / "other_hospital.yml").read_text())
REAL_SOURCES = sources.page_sources()
# The domain and the sources as the other hospital deploys them.
DEPLOYED = {
    **domain(),
    "slots": {**domain()["slots"], **OTHER["slots"]},
    "responses": {**domain()["responses"], **OTHER["responses"]},
}
DEPLOYED_SOURCES = {**REAL_SOURCES, "hospital_page": OTHER["hospital_page"]}
OTHER_SLOTS = {name: slot["initial_value"] for name, slot in OTHER["slots"].items()}
# The profile's slots: the ones with a fixed value of their own.
REAL_PROFILE = {
    name: slot["initial_value"]
    for name, slot in domain()["slots"].items()
    if isinstance(slot.get("initial_value"), str)
}
# What is MD Anderson's and no one else's: the profile's values, the names its responses give
# its services, and its quotes' mentions of the hospital.
MD_ANDERSON_FACTS = list(REAL_PROFILE.values()) + [
    "MD Anderson",
    "mdanderson",
    "Becoming Our Patient",
    "MyCancerConnection",
    "877-632",
]


@pytest.fixture
def deployed_sources(monkeypatch):
    monkeypatch.setattr(sources, "page_sources", lambda: DEPLOYED_SOURCES)


def said(text: str) -> str:
    """The text with the other hospital's profile filled in."""
    return re.sub(r"\{(\w+)\}", lambda m: str(OTHER_SLOTS.get(m[1], m[0])), text)


def leaks(text: str) -> list:
    return [fact for fact in MD_ANDERSON_FACTS if fact.lower() in text.lower()]


def test_the_other_profile_fills_the_same_slots_responses_and_sources():
    assert set(OTHER_SLOTS) == set(REAL_PROFILE)
    assert set(OTHER["responses"]) <= set(domain()["responses"])
    assert set(OTHER["hospital_page"]) == set(REAL_SOURCES["hospital_page"])


@pytest.mark.parametrize("name", sorted(DEPLOYED["responses"]))
def test_no_md_anderson_fact_in_any_response(name):
    for variation in DEPLOYED["responses"][name]:
        text = said(variation.get("text", ""))
        assert not leaks(text), f"{name}: {leaks(text)}"


@pytest.mark.parametrize("name", sorted(OTHER["hospital_page"]))
async def test_the_source_of_a_hospital_answer_is_the_other_hospitals_page(name, deployed_sources):
    dispatcher = CollectingDispatcher()
    events = [{"event": "bot", "text": "...", "metadata": {"utter_action": name}}]
    tracker = make_tracker(slots=OTHER_SLOTS, intent="ask_source", events=events)
    await ActionShowSource().run(dispatcher, tracker, DEPLOYED)
    quoted = " ".join(str(value) for message in dispatcher.messages for value in message.values())
    assert not leaks(quoted), quoted
    assert OTHER["hospital_page"][name][0]["quote"] in quoted
    assert dispatcher.messages[-1]["page_url"] == OTHER_SLOTS["source_page_url"]


async def test_the_source_of_a_net_answer_is_still_the_page_it_restates(deployed_sources):
    # The answers about NETs restate MD Anderson's page whoever deploys: the citation says so.
    dispatcher = CollectingDispatcher()
    events = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_prrt"}}]
    tracker = make_tracker(slots=OTHER_SLOTS, intent="ask_source", events=events)
    await ActionShowSource().run(dispatcher, tracker, DEPLOYED)
    assert dispatcher.messages[-1]["page_url"] == REAL_SOURCES["page"]["url"]
