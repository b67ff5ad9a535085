"""When the model is unsure: offer the likely topics by readable name, never a guessed answer."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scope import labels

MAX_SUGGESTIONS = 3
# Rasa's two-stage fallback reads out_of_scope as "none of these".
NONE_OF_THESE = {"title": "Something else", "payload": "/out_of_scope"}


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # a hesitant reading of an emergency never gets here: nlp/lexicon_router.py makes it one
        ranking = tracker.latest_message.get("intent_ranking") or []
        # readable labels (scope/registry.yml), never intent names
        named = labels()
        buttons = [
            {"title": named[guess["name"]], "payload": f"/{guess['name']}"}
            for guess in ranking
            if guess.get("name") in named
        ][:MAX_SUGGESTIONS]
        if buttons:
            dispatcher.utter_message(
                response="utter_did_you_mean", buttons=buttons + [NONE_OF_THESE]
            )
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
