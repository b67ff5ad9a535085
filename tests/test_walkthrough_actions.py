"""validate_treatment_factors_form and action_explain_options, as the action server runs them."""

import pytest
import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.walkthrough import (
    MISSES_SLOT,
    ActionExplainOptions,
    ActionResetFactors,
    ValidateRefinements,
    ValidateTreatmentFactorsForm,
)
from support import ROOT, domain, make_tracker

DOMAIN = domain()
RESPONSES = DOMAIN["responses"]

# How people say it, written for this test: whole answers, not entries of the pattern file or
# canonical values (test_surface_forms_are_not_copied_from_the_lexicon keeps it so).
SURFACE_FORMS = [
    ("tumor_site", "They found it in her Pancreas last week", "pancreas"),
    ("tumor_site", "a pancreatic one, the doctor said", "pancreas"),
    ("tumor_site", "it's a PNET apparently", "pancreas"),
    ("tumor_site", "in the small intestine near the end", "gi_tract"),
    ("tumor_site", "the scan showed something in his small bowel", "gi_tract"),
    ("tumor_site", "STOMACH i think", "gi_tract"),
    ("tumor_site", "they took out her appendix and found it there", "gi_tract"),
    ("tumor_site", "it's rectal", "gi_tract"),
    ("tumor_site", "somewhere in the GI tract they said", "gi_tract"),
    ("tumor_site", "his Lungs", "lung"),
    ("tumor_site", "it's a bronchial carcinoid", "lung"),
    ("tumor_site", "in her thyroid gland", "other"),
    ("hormone_status", "yes it's Functional", "functional"),
    ("hormone_status", "it's making hormones, she flushes a lot", "functional"),
    ("hormone_status", "he gets bad diarrhea from it", "functional"),
    ("hormone_status", "the report says nonfunctional", "non_functional"),
    ("hormone_status", "they said it does not make hormones at all", "non_functional"),
    ("tumor_spread", "there are a few spots on the liver", "liver"),
    ("tumor_spread", "it's metastatic, mostly in the liver", "liver"),
    ("tumor_spread", "spread to the liver and the bones", "liver"),
    ("tumor_spread", "no, it hasn't spread anywhere", "not_spread"),
    ("tumor_spread", "just a couple of nearby lymph nodes", "not_spread"),
    ("tumor_spread", "it has not spread to the liver", "not_spread"),
    ("tumor_spread", "it's in her bones now", "elsewhere"),
    ("tumor_spread", "he's stage IV", "elsewhere"),
]
# What the care team said, after the explanation (refine_options), in people's words.
REFINEMENT_FORMS = [
    ("fully_removable", "the surgeon thinks she can get all of it", "yes"),
    ("fully_removable", "good news: it can all be removed, they said", "yes"),
    ("fully_removable", "they told us it cannot all be removed", "no"),
    ("fully_removable", "his surgeon says they can't remove all of it", "no"),
    ("fully_removable", "apparently it's unresectable", "no"),
    ("surgery_concern", "she is 91 and too frail for surgery", "yes"),
    ("surgery_concern", "honestly I don't think she could handle surgery", "yes"),
]


def test_surface_forms_are_not_copied_from_the_lexicon():
    patterns = yaml.safe_load((ROOT / "nlp" / "entity_patterns.yml").read_text())
    phrases = {
        str(phrase).lower() for values in patterns.values() for p in values.values() for phrase in p
    }
    canonical = {str(value).lower() for values in patterns.values() for value in values}
    for _, surface, _ in SURFACE_FORMS + REFINEMENT_FORMS:
        assert surface.lower() not in phrases | canonical, surface


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
    assert messages == []  # the form asks again itself, with the variation for one miss
    # what Rasa says when the form asks again, with the slots these events leave
    domain = Domain.load(str(ROOT / "domain.yml"))
    asked_after_a_miss = await ask_tumor_site(domain, events[MISSES_SLOT])
    asked_first = await ask_tumor_site(domain, 0)
    assert asked_after_a_miss.startswith("Sorry, I didn't catch that.")
    assert "pancreas" in asked_after_a_miss.lower()  # it names places, to help the second try
    assert not asked_first.startswith("Sorry")


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
    assert [m["response"] for m in messages] == ["utter_factor_marked_not_sure"]


async def test_an_unplaceable_value_for_a_slot_not_asked_leaves_it_alone():
    events, messages = await validate("tumor_site", "blah", requested="hormone_status")
    assert events == {"tumor_site": None}
    assert messages == []


async def test_the_entity_value_is_read_with_its_whole_message():
    # Rasa fills the slot with the last entity ("bones"); the message also names the liver
    events, _ = await validate("tumor_spread", "bones", text="it spread to her liver and bones")
    assert events["tumor_spread"] == "liver"


async def test_reset_clears_the_factors_and_what_the_care_team_said():
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


@pytest.mark.parametrize("slot,surface,canonical", REFINEMENT_FORMS)
async def test_what_the_care_team_said_becomes_a_canonical_value(slot, surface, canonical):
    tracker = make_tracker(slots={slot: surface}, text=surface, intent="refine_options")
    method = getattr(ValidateRefinements(), f"validate_{slot}")
    assert method(surface, CollectingDispatcher(), tracker, DOMAIN) == {slot: canonical}


def render(messages) -> str:
    """The explanation as a person reads it: each response's text with its fill-ins."""
    texts = []
    for message in messages:
        fill = {key: value for key, value in message.items() if isinstance(value, str)}
        text = RESPONSES[message["response"]][0]["text"]
        for key, value in fill.items():
            text = text.replace("{" + key + "}", value)
        texts.append(text)
    return "\n".join(texts)


async def explain(slots, intent="inform", entities=None) -> str:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots=slots, intent=intent, entities=entities)
    assert await ActionExplainOptions().run(dispatcher, tracker, DOMAIN) == []
    return render(dispatcher.messages)


GI_FUNCTIONAL_LIVER = {
    "tumor_site": "gi_tract",
    "hormone_status": "functional",
    "tumor_spread": "liver",
}


async def test_explanation_for_a_functional_gi_tumor_spread_to_the_liver():
    said = await explain(GI_FUNCTIONAL_LIVER)
    assert "digestive" in said and "makes hormones" in said and "spread to the liver" in said
    # what the page says about it (lines 10-13, 20, 32, 34, 36), removal not yet known
    assert "may cure" in said and "remove part of it" in said and "slow or stop" in said
    assert "Liver-directed therapies" in said
    assert "more recent studies show" in said.lower()
    assert "same as for other tumors" in said
    assert "popular choice for older patients" in said
    assert "- Could liver-directed therapy be a choice?" in said.splitlines()
    # the optional refinements come after the questions, the appointment guidance last
    assert said.index("narrow this down") > said.index("Questions you could ask")
    assert said.splitlines()[-1].startswith("Only the care team can say")


async def test_a_refinement_narrows_the_explanation():
    before = await explain(GI_FUNCTIONAL_LIVER)
    told_no = {**GI_FUNCTIONAL_LIVER, "fully_removable": "no"}
    entities = [{"entity": "fully_removable", "value": "can't all be removed"}]
    after = await explain(told_no, intent="refine_options", entities=entities)
    assert "complete cure is not possible" in after
    assert "may cure" not in after and "can cure" not in after and "be cured" not in after
    assert len(after) < len(before)
    told_yes = {**GI_FUNCTIONAL_LIVER, "fully_removable": "yes"}
    after_yes = await explain(told_yes, intent="refine_options", entities=entities)
    assert "may cure" in after_yes and "remove part of it" not in after_yes


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
