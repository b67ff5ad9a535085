"""Replies made of parts, and questions answered in the context of the last answer.

A plain topic question is a rule and a response (data/rules/faq.yml). This action answers the
rest, from the scope registry (scope/registry.yml):
- a worrying word that is not an emergency now: the safety line first, then the answer;
- a drug or procedure the page does not name: a note saying so, then its topic's answer;
- a personal question: the kind decline, then what the page says in general about its topic;
- a question about an aspect ("is it safe?", "how is it given?", "and for one in the lung?"),
  about the topic it names or, naming none, the topic of the last answer: the page's words on
  that aspect where it has them, otherwise "The page doesn't say ..." naming the topic;
- "can you say that more simply?": the last topic's simpler answer;
- a situation told, or what the care team said, without asking for options: the
  walk-through, offered as a button.
"""

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.factors import FACTOR_SLOTS
from actions.walkthrough import SAFETY, TOPIC_SLOT, WALKTHROUGH, entity_values, say_in_short
from scope import Topic, aspects, closest_only, topic_of_intent, topics

DRUG = "drug"


def _entities(tracker: Tracker, entity: str) -> List[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]


def named_topics(tracker: Tracker) -> List[Topic]:
    """The topics a message names, by the page's words or a drug's name, in order."""
    named = sorted(_entities(tracker, "topic") + _entities(tracker, DRUG), key=lambda e: e["start"])
    ids = dict.fromkeys(str(e["value"]) for e in named if e.get("value") in topics())
    return [topics()[id] for id in ids]


def asked_aspects(tracker: Tracker) -> List[str]:
    """What a question asks about: the walk-through factors it names ("does it work if it has
    spread?" is about spread), then its other aspects."""
    factors = [slot for slot in FACTOR_SLOTS if entity_values(tracker, slot)]
    return factors + entity_values(tracker, "aspect")


def aspect_answer(topic: Topic | None, asked: List[str]) -> tuple[str, Dict[str, str]] | None:
    """The response for an aspect of a topic, with its fill-ins, or None when nothing is asked.

    The page's words where the topic's entry has them; else "the page doesn't say" naming the
    topic for an aspect that depends on it; else the aspect's own answer ("how are NETs
    diagnosed" is the same question whatever the topic).
    """
    for aspect in asked:
        entry = aspects().get(aspect)
        if topic and aspect in topic.page_says:
            return topic.page_says[aspect], {}
        if topic and entry and entry.topic_answer:
            return topic.response, {}
        if entry and topic and entry.of_topic:
            return "utter_page_silent", {"question": entry.of_topic.format(topic=topic.called)}
        if entry and entry.response:
            return entry.response, {}
    return None


def topic_of_aspect(asked: List[str]) -> Topic | None:
    """The one topic the page speaks of an asked aspect for ("and those beads?" after the
    walk-through's explanation is about liver-directed therapies), if there is one."""
    for aspect in asked:
        having = [topic for topic in topics().values() if aspect in topic.page_says]
        if len(having) == 1:
            return having[0]
    return None


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if entity_values(tracker, SAFETY):
            dispatcher.utter_message(response="utter_safety_line")
        intent = tracker.get_intent_of_latest_message()
        asked_topic = topic_of_intent(intent)
        if asked_topic:
            return self.topic(dispatcher, tracker, asked_topic)
        named = named_topics(tracker)
        last = topics().get(tracker.get_slot(TOPIC_SLOT) or "")
        if intent == "ask_simpler" and not asked_aspects(tracker):
            return self.simpler(dispatcher, tracker, domain, last)
        if intent == "ask_personal_advice":
            return self.personal(dispatcher, tracker, named, last)
        if intent == "refine_options":
            self.offer_walkthrough(dispatcher, tracker)
            return []
        asked = asked_aspects(tracker)
        topic = named[0] if named else last or topic_of_aspect(entity_values(tracker, "aspect"))
        answer = aspect_answer(topic, asked)
        if answer:
            dispatcher.utter_message(response=answer[0], **answer[1])
        elif intent == "inform" and not named:
            self.offer_walkthrough(dispatcher, tracker)
            return []
        elif topic and intent == "ask_follow_up":
            dispatcher.utter_message(response=topic.response)
        elif intent == "ask_follow_up":
            dispatcher.utter_message(response="utter_ask_which_topic")
        else:
            dispatcher.utter_message(response="utter_not_covered")
        return [SlotSet(TOPIC_SLOT, topic.id)] if topic else []

    @staticmethod
    def topic(
        dispatcher: CollectingDispatcher, tracker: Tracker, topic: Topic
    ) -> List[Dict[str, Any]]:
        """A topic's answer, after a note on a name the page does not use."""
        text = tracker.latest_message.get("text") or ""
        for drug in _entities(tracker, DRUG):
            if drug.get("value") == topic.id:
                name = text[drug["start"] : drug["end"]]
                closest = closest_only(name, topic.id)
                note = "utter_procedure_closest" if closest else "utter_drug_not_named"
                dispatcher.utter_message(response=note, drug=name)
                break
        dispatcher.utter_message(response=topic.response)
        return [SlotSet(TOPIC_SLOT, topic.id)]

    @staticmethod
    def simpler(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, last: Topic | None
    ) -> List[Dict[str, Any]]:
        if tracker.get_slot(TOPIC_SLOT) == WALKTHROUGH:
            say_in_short(dispatcher, tracker, domain)
        elif last:
            dispatcher.utter_message(response=last.simpler)
        else:
            dispatcher.utter_message(response="utter_ask_which_topic")
        return []

    @staticmethod
    def personal(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        named: List[Topic],
        last: Topic | None,
    ) -> List[Dict[str, Any]]:
        """The decline, then the page's general content on what it asks about, if anything."""
        asked = asked_aspects(tracker)
        topic = named[0] if named else last
        answer = aspect_answer(topic, asked) if asked else None
        if not topic and not answer:
            dispatcher.utter_message(response="utter_personal_advice")
            return []
        dispatcher.utter_message(response="utter_personal_advice_general")
        if answer:
            dispatcher.utter_message(response=answer[0], **answer[1])
        elif len(named) == 1:
            dispatcher.utter_message(response=named[0].response)
        else:
            # several topics named, or none and the last answer's: the short version of each
            for each in named or ([topic] if topic else []):
                dispatcher.utter_message(response=each.simpler)
        return [SlotSet(TOPIC_SLOT, topic.id)] if topic else []

    @staticmethod
    def offer_walkthrough(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Told their situation: offer the walk-through, carrying what they said."""
        stated = {
            slot: entity_values(tracker, slot)[0]
            for slot in FACTOR_SLOTS
            if entity_values(tracker, slot)
        }
        payload = "/explore_options" + (json.dumps(stated) if stated else "")
        dispatcher.utter_message(
            response="utter_offer_walkthrough",
            buttons=[
                {"title": "Walk me through it", "payload": payload},
                {"title": "Everything I can explain", "payload": "/ask_capabilities"},
            ],
        )
