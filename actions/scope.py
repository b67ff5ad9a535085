"""Answers at the edge of the page: a drug the page does not name, a question it does not cover."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.factors import mentioned_values

DRUG_ENTITY = "drug"
ASPECT_ENTITY = "aspect"

# Canonical `aspect` values (nlp/entity_patterns.yml) -> the response that says what the page
# does not cover about it, and what little it does say.
NOT_COVERED: Dict[str, str] = {
    "symptoms": "utter_not_covered_symptoms",
    "diagnosis": "utter_not_covered_diagnosis",
    "diagnosis_mentioned": "utter_not_covered_diagnosis",
    "stage": "utter_not_covered_stage",
    "grade": "utter_not_covered_stage",
    "outlook": "utter_not_covered_outlook",
    "cause": "utter_not_covered_cause",
    "prevention": "utter_not_covered_prevention",
    "side_effects": "utter_not_covered_side_effects",
    "diet": "utter_not_covered_diet",
    "dose": "utter_not_covered_dose",
}
NOT_COVERED_DEFAULT = "utter_not_covered"


class ActionNoteNamedDrug(Action):
    """Before a treatment's answer: say that the page does not name the drug asked about."""

    def name(self) -> str:
        return "action_note_named_drug"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # SpacyEntityExtractor gives the words the person used ("Lutathera"), which is
        # what the note should repeat.
        drug = next(
            (
                e
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == DRUG_ENTITY
            ),
            None,
        )
        if drug:
            dispatcher.utter_message(response="utter_drug_not_named", drug=drug["value"])
        return []


class ActionAnswerNotCovered(Action):
    """A NET question the page does not cover: name what was asked, say what the page does say."""

    def name(self) -> str:
        return "action_answer_not_covered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        aspects = mentioned_values(ASPECT_ENTITY, tracker.latest_message.get("text") or "")
        response = next((NOT_COVERED[a] for a in aspects if a in NOT_COVERED), NOT_COVERED_DEFAULT)
        dispatcher.utter_message(response=response)
        return []
