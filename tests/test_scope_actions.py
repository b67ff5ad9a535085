"""Answers at the edge of the page (actions/scope.py), with entities as the pipeline finds them."""

import pytest
import spacy
from rasa_sdk.executor import CollectingDispatcher

from actions.factors import PIPELINE_DIR
from actions.scope import ActionAnswerNotCovered, ActionNoteNamedDrug
from support import domain, make_tracker

NLP = spacy.load(PIPELINE_DIR)


def entities(text: str):
    """What Rasa's SpacyEntityExtractor reports: the label and the words as written."""
    return [{"entity": e.label_, "value": e.text} for e in NLP(text).ents]


async def responses(action, text: str, intent: str):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text=text, intent=intent, entities=entities(text))
    await action.run(dispatcher, tracker, domain())
    return dispatcher.messages


@pytest.mark.parametrize(
    "text,response",
    [
        ("what are the usual side effects of chemo for this", "utter_not_covered_side_effects"),
        ("How is a neuroendocrine tumour diagnosed?", "utter_not_covered_diagnosis"),
        ("whats the life expectancy with a net", "utter_not_covered_outlook"),
        ("does it run in families", "utter_not_covered_cause"),
        ("what should he eat while on treatment", "utter_not_covered_diet"),
        ("what grade are these tumors usually", "utter_not_covered_stage"),
        ("can carcinoid be prevented", "utter_not_covered"),
        ("how common are nets in kids", "utter_not_covered"),
    ],
)
async def test_a_question_outside_the_page_is_named(text, response):
    messages = await responses(ActionAnswerNotCovered(), text, "ask_not_covered")
    assert [m["response"] for m in messages] == [response]


async def test_a_named_drug_is_repeated_as_written_before_the_topic():
    messages = await responses(ActionNoteNamedDrug(), "is Lutathera the same thing?", "ask_prrt")
    assert messages == [{**messages[0], "response": "utter_drug_not_named", "drug": "Lutathera"}]
    text = domain()["responses"]["utter_drug_not_named"][0]["text"]
    assert "{drug}" in text


async def test_no_note_when_no_drug_is_named():
    assert await responses(ActionNoteNamedDrug(), "what is prrt", "ask_prrt") == []
