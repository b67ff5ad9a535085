"""validate_treatment_factors_form and action_explain_options, as the action server runs them."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.walkthrough import (
    MISSES_SLOT,
    ActionExplainOptions,
    ActionResetFactors,
    ValidateTreatmentFactorsForm,
)
from support import domain, make_tracker

DOMAIN = domain()

SURFACE_FORMS = [
    ("tumor_site", "Pancreas", "pancreas"),
    ("tumor_site", "pancreatic", "pancreas"),
    ("tumor_site", "the pancreas", "pancreas"),
    ("tumor_site", "PANCREAS", "pancreas"),
    ("tumor_site", "pnet", "pancreas"),
    ("tumor_site", "small intestine", "gi_tract"),
    ("tumor_site", "it's in her small bowel", "gi_tract"),
    ("tumor_site", "Stomach", "gi_tract"),
    ("tumor_site", "the appendix", "gi_tract"),
    ("tumor_site", "colon", "gi_tract"),
    ("tumor_site", "rectum", "gi_tract"),
    ("tumor_site", "rectal", "gi_tract"),
    ("tumor_site", "GI tract", "gi_tract"),
    ("tumor_site", "gastrointestinal", "gi_tract"),
    ("tumor_site", "Lungs", "lung"),
    ("tumor_site", "started in the lung", "lung"),
    ("tumor_site", "bronchial", "lung"),
    ("tumor_site", "somewhere else", "other"),
    ("tumor_site", "thyroid", "other"),
    ("tumor_site", "gi_tract", "gi_tract"),
    ("hormone_status", "Functional", "functional"),
    ("hormone_status", "it makes hormones", "functional"),
    ("hormone_status", "hormone-producing", "functional"),
    ("hormone_status", "she has flushing", "functional"),
    ("hormone_status", "non-functional", "non_functional"),
    ("hormone_status", "Nonfunctional", "non_functional"),
    ("hormone_status", "it doesn't make hormones", "non_functional"),
    ("hormone_status", "no hormones", "non_functional"),
    ("tumor_spread", "liver", "liver"),
    ("tumor_spread", "Liver mets", "liver"),
    ("tumor_spread", "it spread to her liver", "liver"),
    ("tumor_spread", "metastatic, mostly in the liver", "liver"),
    ("tumor_spread", "spread to the liver and the bones", "liver"),
    ("tumor_spread", "hasn't spread", "not_spread"),
    ("tumor_spread", "only nearby lymph nodes", "not_spread"),
    ("tumor_spread", "it hasn't spread to the liver", "not_spread"),
    ("tumor_spread", "localized", "not_spread"),
    ("tumor_spread", "spread to her lungs", "elsewhere"),
    ("tumor_spread", "bones", "elsewhere"),
    ("tumor_spread", "Metastasized", "elsewhere"),
    ("fully_removable", "yes", "yes"),
    ("fully_removable", "not_sure", "not_sure"),
    ("surgery_concern", "no", "no"),
]


async def validate(slot, value, misses=0, requested=None, text=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots={slot: value, MISSES_SLOT: misses, "requested_slot": requested or slot},
        text=value if text is None else text,
        active_loop="treatment_factors_form",
    )
    method = getattr(ValidateTreatmentFactorsForm(), f"validate_{slot}")
    return method(value, dispatcher, tracker, DOMAIN), dispatcher.messages


@pytest.mark.parametrize("slot,surface,canonical", SURFACE_FORMS)
async def test_surface_forms_become_canonical_values(slot, surface, canonical):
    events, _ = await validate(slot, surface)
    assert events == {slot: canonical, MISSES_SLOT: 0}


async def test_a_miss_asks_again_with_the_rephrased_question():
    events, messages = await validate("tumor_site", "somewhere in her belly i think")
    assert events == {"tumor_site": None, MISSES_SLOT: 1}
    assert messages == []  # the form re-asks: utter_ask_tumor_site's variation for one miss


async def test_a_second_miss_notes_not_sure_and_moves_on():
    events, messages = await validate("hormone_status", "hmm maybe", misses=1)
    assert events == {"hormone_status": "not_sure", MISSES_SLOT: 0}
    assert [m["response"] for m in messages] == ["utter_factor_marked_not_sure"]


async def test_an_unplaceable_value_for_a_slot_not_asked_leaves_it_alone():
    events, messages = await validate("tumor_site", "blah", requested="hormone_status")
    assert events == {"tumor_site": None}
    assert messages == []


async def test_the_entity_value_is_read_with_its_whole_message():
    # Rasa fills the slot with the last entity ("bones"); the message also names the liver
    events, _ = await validate("tumor_spread", "bones", text="it spread to her liver and bones")
    assert events["tumor_spread"] == "liver"


async def test_reset_clears_every_factor_and_introduces_the_questions():
    dispatcher = CollectingDispatcher()
    events = await ActionResetFactors().run(dispatcher, make_tracker(), DOMAIN)
    assert {e["name"]: e["value"] for e in events} == {
        "tumor_site": None,
        "hormone_status": None,
        "tumor_spread": None,
        "fully_removable": None,
        "surgery_concern": None,
        MISSES_SLOT: 0,
    }
    assert dispatcher.messages[0]["response"] == "utter_walkthrough_intro"


async def test_explanation_for_a_functional_gi_tumor_spread_to_the_liver():
    dispatcher = CollectingDispatcher()
    slots = {
        "tumor_site": "gi_tract",
        "hormone_status": "functional",
        "tumor_spread": "liver",
        "fully_removable": "no",
        "surgery_concern": "not_sure",
    }
    await ActionExplainOptions().run(dispatcher, make_tracker(slots=slots), DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "utter_fit_summary"
    assert dispatcher.messages[0]["tumor_site_label"] == "the GI (digestive) tract"
    assert {
        "utter_fit_not_removable",
        "utter_fit_liver",
        "utter_fit_functional",
        "utter_fit_site",
        "utter_fit_common_site",
        "utter_fit_surveillance_not_sure",
    } <= set(responses)
    assert "utter_fit_not_spread" not in responses
    questions = next(m for m in dispatcher.messages if m["response"] == "utter_fit_questions")[
        "questions"
    ]
    assert "- Are liver-directed therapies an option?" in questions.splitlines()
    assert responses[-1] == "utter_fit_closing"
