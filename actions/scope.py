"""Answers at the edge of the page: a named drug the page does not name, a question it does not cover."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

DRUG_ENTITY = "drug"
ASPECT_ENTITY = "aspect"

# Canonical `aspect` values (nlp/entity_patterns.yml) -> the response that says what the page
# does not cover about it, and what little it does say.
NOT_COVERED: Dict[str, str] = {
    "symptoms": "utter_not_covered_symptoms",
    "diagnosis": "utter_not_covered_diagnosis",
    "stage": "utter_not_covered_stage",
    "outlook": "utter_not_covered_outlook",
    "cause": "utter_not_covered_cause",
    "prevention": "utter_not_covered_prevention",
    "side_effects": "utter_not_covered_side_effects",
    "diet": "utter_not_covered_diet",
    "dose": "utter_not_covered_dose",
}
NOT_COVERED_DEFAULT = "utter_not_covered"


def first_entity(message: Dict[str, Any], entity: str) -> Dict[str, Any] | None:
    return next((e for e in message.get("entities") or [] if e.get("entity") == entity), None)


class ActionNoteNamedDrug(Action):
    """Before a treatment's answer: say that the page does not name the drug that was asked about."""

    def name(self) -> str:
        return "action_note_named_drug"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        drug = first_entity(tracker.latest_message, DRUG_ENTITY)
        if drug:
            # the words the person used ("Lutathera"), not the canonical id
            dispatcher.utter_message(
                response="utter_drug_not_named", drug=drug.get("text") or drug["value"]
            )
        return []


class ActionAnswerNotCovered(Action):
    """A NET question the page does not cover: name what was asked, say what the page does say."""

    def name(self) -> str:
        return "action_answer_not_covered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        aspect = first_entity(tracker.latest_message, ASPECT_ENTITY)
        response = NOT_COVERED.get(str(aspect.get("value")) if aspect else "", NOT_COVERED_DEFAULT)
        dispatcher.utter_message(response=response)
        return []
