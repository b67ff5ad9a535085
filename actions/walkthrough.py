"""The guided walk-through: check the form's answers, then explain what the page says."""

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.factors import (
    FACTOR_SLOTS,
    NOT_SURE,
    REFINEMENT_SLOTS,
    answers_of,
    canonical_value,
    labels_for,
    questions_for,
    statements_for,
)

FORM_NAME = "treatment_factors_form"
MISSES_SLOT = "factor_misses"
TOPIC_SLOT = "topic"
WALKTHROUGH = "walkthrough"
# After this many answers in a row that can't be placed, note "not sure" and move on.
MAX_MISSES = 2
# The explanation's questions for the care team: one for each factor not known yet, and others
# that fit up to this many in all (actions.factors.questions_for orders them).
MAX_QUESTIONS = 2
SAFETY = "safety"
CORRECTION = "correction"


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == entity
    ]


def value_before_this_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest message (the form's tracker already holds the new one)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


class ValidateTreatmentFactorsForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    def _validate_factor(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        asked = tracker.get_slot("requested_slot") == slot
        canonical = canonical_value(slot, value)
        if canonical is not None:
            return {slot: canonical, MISSES_SLOT: 0}
        others = [
            other
            for other in FACTOR_SLOTS + REFINEMENT_SLOTS
            if other != slot and entity_values(tracker, other)
        ]
        if not asked or others:
            # an answer to another question (a correction) leaves this one as it was, and the
            # form asks it again
            return {slot: None}
        misses = int(tracker.get_slot(MISSES_SLOT) or 0) + 1
        if misses >= MAX_MISSES:
            dispatcher.utter_message(response="utter_factor_marked_not_sure")
            return {slot: NOT_SURE, MISSES_SLOT: 0}
        if slot == "hormone_status" and entity_values(tracker, "symptom"):
            # the page does not tie symptoms to hormones: ask what the care team said
            dispatcher.utter_message(response="utter_symptoms_not_an_answer")
        else:
            dispatcher.utter_message(response="utter_answer_not_placed")
        # the form asks again, with the variation for one miss
        return {slot: None, MISSES_SLOT: misses}

    def validate_tumor_site(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        asking_spread = tracker.get_slot("requested_slot") == "tumor_spread"
        if asking_spread and not entity_values(tracker, CORRECTION):
            return self._where_it_is_now(value, tracker)
        return self._validate_factor("tumor_site", value, dispatcher, tracker)

    @staticmethod
    def _where_it_is_now(value: Any, tracker: Tracker) -> Dict[str, Any]:
        """Asked whether it has spread, a place is where it is now, not where it started: the
        same place ("no, only the stomach") is not spread, another one ("in his lungs now") is
        spread beyond. A spread the message names itself ("liver and lungs") stands."""
        started = value_before_this_message(tracker, "tumor_site")
        if entity_values(tracker, "tumor_spread"):
            return {"tumor_site": started}
        spread = "not_spread" if canonical_value("tumor_site", value) == started else "elsewhere"
        return {"tumor_site": started, "tumor_spread": spread, MISSES_SLOT: 0}

    def validate_hormone_status(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._validate_factor("hormone_status", value, dispatcher, tracker)

    def validate_tumor_spread(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._validate_factor("tumor_spread", value, dispatcher, tracker)


class ActionResetFactors(Action):
    """Start a walk-through afresh, keeping what the starting message already says."""

    def name(self) -> str:
        return "action_reset_factors"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if entity_values(tracker, SAFETY):
            dispatcher.utter_message(response="utter_safety_line")
        dispatcher.utter_message(response="utter_walkthrough_intro")
        # a new walk-through: what the starting message says, and nothing from before
        said = {
            slot: next(iter(entity_values(tracker, slot)), None)
            for slot in FACTOR_SLOTS + REFINEMENT_SLOTS
        }
        return [SlotSet(slot, value) for slot, value in said.items()] + [
            SlotSet(MISSES_SLOT, 0),
            SlotSet(TOPIC_SLOT, WALKTHROUGH),
        ]


def response_text(domain: DomainDict, response: str, **fill: str) -> str:
    """A response's text with its {placeholders} filled from `fill`."""
    variations = domain.get("responses", {}).get(response) or [{}]
    return str(variations[0].get("text", "")).format_map(fill)


def _statements(domain: DomainDict, factors: Dict[str, Any], in_short: bool) -> str:
    labels = labels_for(factors)
    names = statements_for(factors, in_short)
    return " ".join(response_text(domain, name, **labels) for name in names)


def say_in_short(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """The explanation's opening: what they told me, and whether it can all be removed."""
    factors = answers_of(tracker)
    short = _statements(domain, factors, in_short=True)
    dispatcher.utter_message(response="utter_fit_in_short", short=short, **labels_for(factors))


class ActionExplainOptions(Action):
    """Say what the page says about situations like the one described (actions.factors.FIT_TABLE),
    in four messages: "In short", the details, questions for the care team, the closing."""

    def name(self) -> str:
        return "action_explain_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        said = [slot for slot in FACTOR_SLOTS + REFINEMENT_SLOTS if entity_values(tracker, slot)]
        if tracker.get_intent_of_latest_message() == "refine_options" and not said:
            # a refinement it cannot place: offer the ones it knows instead of repeating itself
            dispatcher.utter_message(response="utter_refine_unclear")
            return []
        factors = answers_of(tracker)
        say_in_short(dispatcher, tracker, domain)
        details = _statements(domain, factors, in_short=False)
        dispatcher.utter_message(response="utter_fit_details", details=details)
        unknown = [slot for slot in FACTOR_SLOTS if factors.get(slot) in (None, NOT_SURE)]
        asked = questions_for(factors)[: max(MAX_QUESTIONS, len(unknown))]
        questions = [response_text(domain, question) for question in asked]
        dispatcher.utter_message(
            response="utter_fit_questions",
            questions="\n".join(f"- {question}" for question in questions),
        )
        dispatcher.utter_message(response="utter_fit_closing")
        return [SlotSet(TOPIC_SLOT, WALKTHROUGH)]
