"""Count "was this helpful?" answers per topic. Only topic and answer are stored, never who."""

import os
import sqlite3
from contextlib import closing
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FEEDBACK_DB_ENV = "FEEDBACK_DB"
DEFAULT_FEEDBACK_DB = "feedback.db"
HELPFUL_INTENTS = {"feedback_helpful", "affirm"}
FEEDBACK_QUESTION = "utter_ask_helpful"
# actions that run between an answer and its feedback question without being answers
NOT_ANSWERS = {"action_listen", "action_extract_slots"}


def feedback_db_path() -> str:
    return os.environ.get(FEEDBACK_DB_ENV, DEFAULT_FEEDBACK_DB)


def record(topic: str, helpful: bool, path: str | None = None) -> None:
    with closing(sqlite3.connect(path or feedback_db_path())) as db, db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS feedback ("
            " topic TEXT NOT NULL, helpful INTEGER NOT NULL, count INTEGER NOT NULL,"
            " PRIMARY KEY (topic, helpful))"
        )
        db.execute(
            "INSERT INTO feedback (topic, helpful, count) VALUES (?, ?, 1)"
            " ON CONFLICT (topic, helpful) DO UPDATE SET count = count + 1",
            (topic, int(helpful)),
        )


def counts(path: str | None = None) -> Dict[str, Dict[bool, int]]:
    """topic -> {True: helpful count, False: not helpful count}."""
    result: Dict[str, Dict[bool, int]] = {}
    with closing(sqlite3.connect(path or feedback_db_path())) as db:
        try:
            rows = db.execute("SELECT topic, helpful, count FROM feedback").fetchall()
        except sqlite3.OperationalError:  # nothing recorded yet
            return result
    for topic, helpful, count in rows:
        result.setdefault(topic, {True: 0, False: 0})[bool(helpful)] = count
    return result


def answered_topic(events: List[Dict[str, Any]]) -> str | None:
    """The answer the last "was this helpful?" was about: the action run just before it."""
    actions = [event.get("name") for event in events if event.get("event") == "action"]
    actions = [name for name in actions if name not in NOT_ANSWERS]
    if FEEDBACK_QUESTION not in actions:
        return None
    asked_at = len(actions) - 1 - actions[::-1].index(FEEDBACK_QUESTION)
    return actions[asked_at - 1] if asked_at > 0 else None


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        helpful = tracker.get_intent_of_latest_message() in HELPFUL_INTENTS
        topic = answered_topic(tracker.events)
        if topic:
            record(topic, helpful)
        dispatcher.utter_message(
            response="utter_feedback_thanks" if helpful else "utter_feedback_sorry"
        )
        return []
