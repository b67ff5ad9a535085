"""Explain a word from the page ("what does metastasis mean")."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scope import glossary_response

UNKNOWN_TERM = "utter_term_unknown"
# the entities whose values the glossary explains (scope/registry.yml, `glossary`)
EXPLAINED = ("term", "topic", "tumor_spread", "hormone_status")


def term_response(message: Dict[str, Any]) -> str:
    """The response explaining the first word the message names that the glossary has."""
    for entity in message.get("entities") or []:
        if entity.get("entity") in EXPLAINED:
            response = glossary_response(entity["entity"], str(entity.get("value")))
            if response:
                return response
    return UNKNOWN_TERM


class ActionExplainTerm(Action):
    def name(self) -> str:
        return "action_explain_term"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response=term_response(tracker.latest_message))
        return []
