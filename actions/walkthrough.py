"""The guided walk-through: validate the form's answers, then explain what the page says."""

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.factors import (
    FACTOR_SLOTS,
    NOT_SURE,
    REFINEMENT_SLOTS,
    canonical_value,
    labels_for,
    questions_for,
    statements_for,
)

FORM_NAME = "treatment_factors_form"
MISSES_SLOT = "factor_misses"
# After this many answers in a row that can't be placed, note "not sure" and move on.
MAX_MISSES = 2


class ValidateTreatmentFactorsForm(FormValidationAction):
    def name(self) -> str:
        return f"validate_{FORM_NAME}"

    def _validate_factor(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        canonical = canonical_value(slot, value, tracker.latest_message.get("text") or "")
        if canonical is not None:
            return {slot: canonical, MISSES_SLOT: 0}
        if tracker.get_slot("requested_slot") != slot:
            # an answer to another question that can't be placed leaves this one as it was
            return {slot: None}
        misses = int(tracker.get_slot(MISSES_SLOT) or 0) + 1
        if misses >= MAX_MISSES:
            dispatcher.utter_message(response="utter_factor_marked_not_sure")
            return {slot: NOT_SURE, MISSES_SLOT: 0}
        # the form asks again; utter_ask_<slot> has a rephrased variation for one miss
        return {slot: None, MISSES_SLOT: misses}

    def validate_tumor_site(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._validate_factor("tumor_site", value, dispatcher, tracker)

    def validate_hormone_status(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._validate_factor("hormone_status", value, dispatcher, tracker)

    def validate_tumor_spread(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._validate_factor("tumor_spread", value, dispatcher, tracker)


class ValidateRefinements(ValidationAction):
    """What the care team said, filled outside the form from the entity ruler: its canonical value."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    def _refinement(self, slot: str, value: Any, tracker: Tracker) -> Dict[str, Any]:
        return {slot: canonical_value(slot, value, tracker.latest_message.get("text") or "")}

    def validate_fully_removable(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._refinement("fully_removable", value, tracker)

    def validate_surgery_concern(self, value, dispatcher, tracker, domain) -> Dict[str, Any]:
        return self._refinement("surgery_concern", value, tracker)


class ActionResetFactors(Action):
    """Start a walk-through afresh; the form refills what the starting message already says."""

    def name(self) -> str:
        return "action_reset_factors"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_walkthrough_intro")
        # the form refills the three factors and what the care team said from this message
        slots = FACTOR_SLOTS + REFINEMENT_SLOTS
        return [SlotSet(slot, None) for slot in slots] + [SlotSet(MISSES_SLOT, 0)]


def _response_text(domain: DomainDict, response: str) -> str | None:
    variations = domain.get("responses", {}).get(response) or [{}]
    return variations[0].get("text")


class ActionExplainOptions(Action):
    """Say what the page says about situations like the one described (actions.factors.FIT_TABLE)."""

    def name(self) -> str:
        return "action_explain_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if tracker.get_intent_of_latest_message() == "refine_options" and not any(
            entity.get("entity") in REFINEMENT_SLOTS
            for entity in tracker.latest_message.get("entities", [])
        ):
            # a refinement it cannot place: offer the ones it knows instead of repeating itself
            dispatcher.utter_message(response="utter_refine_unclear")
            return []
        factors = {slot: tracker.get_slot(slot) for slot in FACTOR_SLOTS + REFINEMENT_SLOTS}
        labels = labels_for(factors)
        dispatcher.utter_message(response="utter_fit_summary", **labels)
        for statement in statements_for(factors):
            dispatcher.utter_message(response=statement, **labels)
        questions = [_response_text(domain, name) for name in questions_for(factors)]
        dispatcher.utter_message(
            response="utter_fit_questions",
            questions="\n".join(f"- {question}" for question in questions if question),
        )
        dispatcher.utter_message(response="utter_fit_refine")
        dispatcher.utter_message(response="utter_fit_closing")
        return []
