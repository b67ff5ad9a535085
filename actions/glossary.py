"""Explain a word from the page ("what does metastasis mean")."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.factors import mentioned_values

# Canonical entity values (nlp/entity_patterns.yml) -> the response that explains them. The
# factor values are here too because the same words ("metastatic", "functional") are read
# as walk-through answers in other messages.
GLOSSARY: Dict[str, str] = {
    "metastasis": "utter_term_metastasis",
    "elsewhere": "utter_term_metastasis",
    "functional": "utter_term_functional",
    "non_functional": "utter_term_functional",
    "iv": "utter_term_iv",
    "catheter": "utter_term_catheter",
    "artery": "utter_term_artery",
    "precision_medicine": "utter_term_precision_medicine",
    "somatostatin_analog": "utter_term_somatostatin_analog",
    "radionuclide": "utter_term_radionuclide",
    "active_surveillance": "utter_term_active_surveillance",
}
UNKNOWN_TERM = "utter_term_unknown"


def glossary_response(message: Dict[str, Any]) -> str:
    """The response explaining the first known word in a parsed message (entities, then text)."""
    texts = [str(entity.get("value")) for entity in message.get("entities") or []]
    texts.append(message.get("text") or "")
    for text in texts:
        if text.strip().lower() in GLOSSARY:
            return GLOSSARY[text.strip().lower()]
        for label in ("term", "tumor_spread", "hormone_status"):
            for value in mentioned_values(label, text):
                if value in GLOSSARY:
                    return GLOSSARY[value]
    return UNKNOWN_TERM


class ActionExplainTerm(Action):
    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response=glossary_response(tracker.latest_message))
        return []
