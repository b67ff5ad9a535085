"""action_answer: replies in parts and questions answered in the context of the last answer.

The entities are those nlp/entities.py finds in the message on the built pipeline, so these
run the action as it runs behind the trained model (which tests/test_conversations.py and the
sealed conversation sets run whole).
"""

from functools import lru_cache

import pytest
import spacy
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer
from nlp.build_pipeline import PIPELINE_DIR
from nlp.entities import extract
from support import domain, make_tracker

SAFETY = {"entity": "safety", "value": "possible", "start": 0, "end": 0}


@lru_cache(maxsize=1)
def nlp():
    return spacy.load(PIPELINE_DIR)


async def answer(text: str, intent: str, topic: str | None = None, safety: bool = False):
    """The messages action_answer sends, and the topic it leaves."""
    entities = extract(nlp()(text)) + ([SAFETY] if safety else [])
    slots = {"topic": topic, "tumor_site": None}
    tracker = make_tracker(slots=slots, text=text, intent=intent, entities=entities)
    dispatcher = CollectingDispatcher()
    events = await ActionAnswer().run(dispatcher, tracker, domain())
    left = next((e["value"] for e in events if e.get("name") == "topic"), topic)
    return dispatcher.messages, left


def names(messages):
    return [m["response"] for m in messages]


@pytest.mark.parametrize(
    "text,response",
    [
        ("How is a neuroendocrine tumour diagnosed?", "utter_not_covered_diagnosis"),
        ("whats the life expectancy with a net", "utter_not_covered_outlook"),
        ("does it run in families", "utter_not_covered_cause"),
        ("what should he eat while on treatment", "utter_not_covered_diet"),
        ("what grade are these tumors usually", "utter_not_covered_stage"),
        ("can carcinoid be prevented", "utter_not_covered_prevention"),
        ("how common are nets in kids", "utter_not_covered"),
    ],
)
async def test_a_question_outside_the_page_is_named(text, response):
    messages, _ = await answer(text, "ask_not_covered")
    assert names(messages) == [response]


async def test_an_aspect_of_a_named_topic_the_page_is_silent_on_names_the_topic():
    messages, topic = await answer("what are the usual side effects of chemo", "ask_not_covered")
    assert names(messages) == ["utter_page_silent"]
    assert "chemotherapy" in messages[0]["question"] and "side effects" in messages[0]["question"]
    assert topic == "chemotherapy"


@pytest.mark.parametrize(
    "topic,text,response",
    [
        ("prrt", "how do they give it", "utter_prrt_how_given"),
        ("surgery", "and for one in the lung?", "utter_surgery_site"),
        ("surgery", "what if it has spread", "utter_surgery_spread"),
        ("liver_directed_therapy", "and those beads?", "utter_liver_directed_therapy_beads"),
        (
            "somatostatin_analogs",
            "do they work if it doesn't make hormones",
            "utter_somatostatin_analogs_hormones",
        ),
        ("active_surveillance", "who is it for", "utter_active_surveillance_who"),
    ],
)
async def test_a_follow_up_gets_the_pages_words_on_the_last_topic(topic, text, response):
    messages, left = await answer(text, "ask_follow_up", topic=topic)
    assert names(messages) == [response]
    assert left == topic


@pytest.mark.parametrize(
    "topic,text,words",
    [
        ("prrt", "is it safe?", ["peptide radionuclide therapy", "side effects"]),
        (
            "somatostatin_analogs",
            "will she need them for life",
            ["somatostatin analogs", "how long"],
        ),
        (
            "prrt",
            "and for one in the lung?",
            ["peptide radionuclide therapy", "one place or another"],
        ),
        ("chemotherapy", "does it hurt", ["chemotherapy", "hurts"]),
    ],
)
async def test_a_follow_up_the_page_is_silent_on_says_so_naming_the_topic(topic, text, words):
    messages, left = await answer(text, "ask_follow_up", topic=topic)
    assert names(messages) == ["utter_page_silent"]
    assert all(word in messages[0]["question"] for word in words), messages[0]["question"]
    assert left == topic


async def test_a_follow_up_with_nothing_to_go_on_asks_which_topic():
    messages, _ = await answer("is it safe?", "ask_follow_up")
    assert names(messages) == ["utter_page_silent"] or names(messages) == [
        "utter_not_covered_side_effects"
    ]
    messages, _ = await answer("tell me more", "ask_follow_up")
    assert names(messages) == ["utter_ask_which_topic"]


async def test_a_new_topic_named_in_a_follow_up_replaces_the_last():
    messages, left = await answer("how is lutathera given", "ask_follow_up", topic="surgery")
    assert names(messages) == ["utter_prrt_how_given"] and left == "prrt"


async def test_simpler_gives_the_last_topics_plain_version():
    messages, _ = await answer("can you say that more simply", "ask_simpler", topic="prrt")
    assert names(messages) == ["utter_prrt_simpler"]
    messages, _ = await answer("in plain english please", "ask_simpler", topic="walkthrough")
    assert names(messages) == ["utter_fit_in_short"]
    messages, _ = await answer("simpler please", "ask_simpler")
    assert names(messages) == ["utter_ask_which_topic"]


async def test_a_personal_question_gets_the_decline_and_the_general_content():
    messages, topic = await answer("should my dad have prrt?", "ask_personal_advice")
    assert names(messages) == ["utter_personal_advice_general", "utter_prrt"]
    assert topic == "prrt"
    messages, _ = await answer("is it safe for him", "ask_personal_advice", topic="prrt")
    assert names(messages) == ["utter_personal_advice_general", "utter_page_silent"]
    messages, _ = await answer("should he have surgery or prrt", "ask_personal_advice")
    assert names(messages) == [
        "utter_personal_advice_general",
        "utter_surgery_simpler",
        "utter_prrt_simpler",
    ]
    messages, _ = await answer("how long does my mum have", "ask_personal_advice")
    assert names(messages) in (
        ["utter_personal_advice"],
        ["utter_personal_advice_general", "utter_not_covered_outlook"],
    )


async def test_a_drug_the_page_does_not_name_is_repeated_as_written_before_its_topic():
    messages, topic = await answer("is Lutathera the same thing?", "ask_prrt")
    assert names(messages) == ["utter_drug_not_named", "utter_prrt"]
    assert messages[0]["drug"] == "Lutathera" and topic == "prrt"


async def test_a_procedure_the_page_does_not_describe_says_the_closest_it_comes():
    messages, _ = await answer(
        "what about Ablation for the liver spots", "ask_liver_directed_therapy"
    )
    assert names(messages) == ["utter_procedure_closest", "utter_liver_directed_therapy"]
    assert messages[0]["drug"] == "Ablation"


async def test_the_safety_line_comes_first():
    messages, _ = await answer("he fainted in march, what is prrt", "ask_prrt", safety=True)
    assert names(messages) == ["utter_safety_line", "utter_prrt"]


async def test_a_situation_told_without_asking_offers_the_walkthrough_with_what_was_said():
    messages, _ = await answer("my mum has one in her pancreas", "inform")
    assert names(messages) == ["utter_offer_walkthrough"]
    payload = messages[0]["buttons"][0]["payload"]
    assert payload == '/explore_options{"tumor_site": "pancreas"}'


async def test_after_the_walkthrough_an_aspect_only_one_topic_has_names_that_topic():
    messages, topic = await answer("and those beads?", "ask_follow_up", topic="walkthrough")
    assert names(messages) == ["utter_liver_directed_therapy_beads"]
    assert topic == "liver_directed_therapy"


async def test_what_the_care_team_said_before_any_walkthrough_offers_it():
    messages, _ = await answer("the surgeon said they can get it all out", "refine_options")
    assert names(messages) == ["utter_offer_walkthrough"]
