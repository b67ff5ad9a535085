"""validate_treatment_factors_form, action_reset_factors and action_explain_options, as the
action server runs them (the entities come as nlp/entities.py gives them: canonical values)."""

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.walkthrough import (
    MISSES_SLOT,
    ActionExplainOptions,
    ActionResetFactors,
    ValidateTreatmentFactorsForm,
)
from support import DOMAIN_FILE, domain, make_tracker

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]


def entity(name, value):
    return {"entity": name, "value": value, "start": 0, "end": 1}


async def validate(slot, value, misses=0, requested=None, entities=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots={slot: value, MISSES_SLOT: misses, "requested_slot": requested or slot},
        text=str(value),
        entities=entities,
        active_loop="treatment_factors_form",
    )
    method = getattr(ValidateTreatmentFactorsForm(), f"validate_{slot}")
    return method(value, dispatcher, tracker, DOMAIN), [m["response"] for m in dispatcher.messages]


async def test_a_canonical_value_is_kept():
    for slot, value in [("tumor_site", "pancreas"), ("tumor_spread", "liver")]:
        assert (await validate(slot, value))[0] == {slot: value, MISSES_SLOT: 0}


async def test_a_correction_of_another_answer_is_not_a_miss():
    # asked about hormones, told "oh and it's the lung, not the stomach"
    events, messages = await validate(
        "hormone_status", "oh and it's the lung", entities=[entity("tumor_site", "lung")]
    )
    assert events == {"hormone_status": None}
    assert messages == []


async def test_a_miss_says_so_and_the_form_asks_again_in_other_words():
    events, messages = await validate("tumor_site", "somewhere in her belly i think")
    assert events == {"tumor_site": None, MISSES_SLOT: 1}
    assert messages == ["utter_answer_not_placed"]
    # what Rasa says when the form asks again, with the slots these events leave
    domain = Domain.load(str(DOMAIN_FILE))
    asked_after_a_miss = await ask_tumor_site(domain, events[MISSES_SLOT])
    asked_first = await ask_tumor_site(domain, 0)
    assert asked_after_a_miss != asked_first
    assert "pancreas" in asked_after_a_miss.lower()  # it names places, to help the second try


async def test_a_symptom_is_not_an_answer_about_hormones():
    events, messages = await validate(
        "hormone_status", "she flushes a lot", entities=[entity("symptom", "symptom")]
    )
    assert events == {"hormone_status": None, MISSES_SLOT: 1}
    assert messages == ["utter_symptoms_not_an_answer"]
    # and the question asked again is what the care team has said
    text = RESPONSES["utter_ask_hormone_status"][0]["text"]
    assert RESPONSES["utter_ask_hormone_status"][0]["condition"][0]["value"] == 1
    assert "care team said" in text


async def ask_tumor_site(domain, misses) -> str:
    tracker = DialogueStateTracker.from_events(
        "test-user", [SlotSet(MISSES_SLOT, misses)], slots=domain.slots
    )
    generator = TemplatedNaturalLanguageGenerator(domain.responses)
    message = await generator.generate("utter_ask_tumor_site", tracker, "rest")
    assert message is not None
    return message["text"]


async def test_a_second_miss_notes_not_sure_and_moves_on():
    events, messages = await validate("hormone_status", "hmm maybe", misses=1)
    assert events == {"hormone_status": "not_sure", MISSES_SLOT: 0}
    assert messages == ["utter_factor_marked_not_sure"]


async def test_an_unplaceable_value_for_a_slot_not_asked_leaves_it_alone():
    events, messages = await validate("tumor_site", "blah", requested="hormone_status")
    assert events == {"tumor_site": None}
    assert messages == []


async def test_reset_clears_the_answers_and_marks_the_walkthrough_as_the_topic():
    dispatcher = CollectingDispatcher()
    events = await ActionResetFactors().run(dispatcher, make_tracker(), DOMAIN)
    assert {e["name"]: e["value"] for e in events} == {
        "tumor_site": None,
        "hormone_status": None,
        "tumor_spread": None,
        "fully_removable": None,
        "surgery_concern": None,
        MISSES_SLOT: 0,
        "topic": "walkthrough",
    }
    assert [m["response"] for m in dispatcher.messages] == ["utter_walkthrough_intro"]


async def test_a_walkthrough_started_with_a_worrying_word_opens_with_the_safety_line():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="explore_options", entities=[entity("safety", "possible")])
    await ActionResetFactors().run(dispatcher, tracker, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_safety_line",
        "utter_walkthrough_intro",
    ]


GI_FUNCTIONAL_LIVER = {
    "tumor_site": "gi_tract",
    "hormone_status": "functional",
    "tumor_spread": "liver",
}


async def test_the_explanation_is_four_messages_in_order():
    dispatcher = CollectingDispatcher()
    events = await ActionExplainOptions().run(
        dispatcher, make_tracker(slots=GI_FUNCTIONAL_LIVER), DOMAIN
    )
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_fit_in_short",
        "utter_fit_details",
        "utter_fit_questions",
        "utter_fit_closing",
    ]
    assert events == [{"event": "slot", "name": "topic", "value": "walkthrough", "timestamp": None}]
    short = dispatcher.messages[0]
    assert "may cure" in short["short"] and "vast majority" in short["short"]
    assert "Liver-directed therapies" in dispatcher.messages[1]["details"]
    assert dispatcher.messages[2]["questions"].count("\n- ") == 1  # two questions


async def test_a_refinement_it_cannot_place_offers_the_ones_it_knows():
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots=GI_FUNCTIONAL_LIVER, text="the doctor said stuff", intent="refine_options"
    )
    await ActionExplainOptions().run(dispatcher, tracker, DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["utter_refine_unclear"]
    titles = [b["title"] for b in RESPONSES["utter_refine_unclear"][0]["buttons"]]
    assert any("can all be removed" in t for t in titles)
    assert any("can't all be removed" in t for t in titles)
    assert any("hard" in t for t in titles)
