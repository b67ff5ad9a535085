"""When the model is unsure: answer in the context of the last topic if the message asks about
an aspect of it, else offer the likely topics by readable name, never a guessed answer."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import asked_aspects, aspect_answer
from scope import labels, topics

MAX_SUGGESTIONS = 3
# Rasa's two-stage fallback reads out_of_scope as "none of these".
NONE_OF_THESE = {"title": "Something else", "payload": "/out_of_scope"}


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # a hesitant reading that ranks an emergency comes with the safety line (nlp/lexicon_router.py)
        if any(e.get("entity") == "safety" for e in tracker.latest_message.get("entities") or []):
            dispatcher.utter_message(response="utter_safety_line")
        # not understood, but it asks about an aspect of the topic just answered ("how long is
        # the recovery"): that answer beats "did you mean"
        topic = topics().get(tracker.get_slot("topic") or "")
        in_context = aspect_answer(topic, asked_aspects(tracker)) if topic else None
        if in_context:
            dispatcher.utter_message(response=in_context[0], **in_context[1])
            return []
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
