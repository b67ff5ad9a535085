"""When the model is unsure: offer the likely topics by readable name, never a guessed answer."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# What people see instead of intent names when the assistant asks "did you mean ...?"
TOPIC_LABELS: Dict[str, str] = {
    "ask_expert_team": "Why an experienced NET team matters",
    "ask_treatment_factors": "What treatment depends on",
    "ask_treatment_goal": "Cure or keeping it under control",
    "ask_spread": "When a NET has spread",
    "ask_surgery": "Surgery",
    "ask_surgery_not_possible": "When surgery can't remove all of it",
    "ask_active_surveillance": "Active surveillance (watching closely)",
    "ask_chemotherapy": "Chemotherapy",
    "ask_targeted_therapy": "Targeted therapy",
    "ask_radiation_therapy": "Radiation therapy",
    "ask_prrt": "Peptide radionuclide therapy (PRRT)",
    "ask_somatostatin_analogs": "Somatostatin analogs",
    "ask_liver_directed_therapy": "Liver-directed therapies",
    "ask_where_nets_occur": "Where NETs form",
    "ask_clinical_trials": "Clinical trials",
    "ask_second_opinion": "A second opinion from NET specialists",
    "request_appointment": "Requesting an appointment",
    "ask_insurance": "Insurance, billing and directions",
    "ask_support": "Support for patients and families",
    "ask_term_meaning": "What a word means",
    "ask_source": "Where the page says it",
    "explore_options": "Walk me through my situation",
    "ask_capabilities": "Everything I can explain",
}
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
        buttons = [
            {"title": TOPIC_LABELS[guess["name"]], "payload": f"/{guess['name']}"}
            for guess in ranking
            if guess.get("name") in TOPIC_LABELS
        ][:MAX_SUGGESTIONS]
        if buttons:
            dispatcher.utter_message(
                response="utter_did_you_mean", buttons=buttons + [NONE_OF_THESE]
            )
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
