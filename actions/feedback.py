"""Count "was this helpful?" answers per topic. Only topic and answer are stored, never who.

FEEDBACK_DB names the database: a file path (SQLite, `feedback.db` by default) or an SQLAlchemy
URL such as postgresql://user:password@host:5432/rasa, which several action servers can share.
"""

import os
from functools import lru_cache
from typing import Any, Dict, List

import sqlalchemy as sa
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from scope import topics

FEEDBACK_DB_ENV = "FEEDBACK_DB"
DEFAULT_FEEDBACK_DB = "feedback.db"
# "Was this helpful?" is answered yes or no: its buttons send affirm and deny
HELPFUL_INTENTS = {"affirm"}
FEEDBACK_QUESTION = "utter_ask_helpful"
# actions that run between an answer and its feedback question without being answers
NOT_ANSWER_ACTIONS = {"action_listen", "action_extract_slots"}
# the action that answers in parts (actions/answers.py): its answer is the topic it left
ANSWERED_IN_PARTS = "action_answer"

FEEDBACK = sa.Table(
    "feedback",
    sa.MetaData(),
    sa.Column("topic", sa.Text, primary_key=True),
    sa.Column("helpful", sa.Integer, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
# One statement, so two action servers counting the same topic at once both count. SQLite
# (3.24+) and PostgreSQL share this syntax.
COUNT_ONE = sa.text(
    "INSERT INTO feedback (topic, helpful, count) VALUES (:topic, :helpful, 1)"
    " ON CONFLICT (topic, helpful) DO UPDATE SET count = feedback.count + 1"
)


def feedback_db_url(target: str | None = None) -> str:
    target = target or os.environ.get(FEEDBACK_DB_ENV, DEFAULT_FEEDBACK_DB)
    return target if "://" in target else f"sqlite:///{target}"


@lru_cache(maxsize=8)
def engine(url: str) -> sa.engine.Engine:
    """One connection pool per database, its table created on first use."""
    created = sa.create_engine(url, pool_pre_ping=True)
    FEEDBACK.create(created, checkfirst=True)
    return created


def record(topic: str, helpful: bool, path: str | None = None) -> None:
    with engine(feedback_db_url(path)).begin() as db:
        db.execute(COUNT_ONE, {"topic": topic, "helpful": int(helpful)})


def counts(path: str | None = None) -> Dict[str, Dict[bool, int]]:
    """topic -> {True: helpful count, False: not helpful count}."""
    result: Dict[str, Dict[bool, int]] = {}
    with engine(feedback_db_url(path)).connect() as db:
        rows = db.execute(sa.select(FEEDBACK)).fetchall()
    for topic, helpful, count in rows:
        result.setdefault(topic, {True: 0, False: 0})[bool(helpful)] = count
    return result


def answered_topic(events: List[Dict[str, Any]], topic: str | None = None) -> str | None:
    """The answer the last "was this helpful?" was about: the action run just before it, or
    for an answer in parts, the response of the topic it answered (`topic`, the slot)."""
    actions = [event.get("name") for event in events if event.get("event") == "action"]
    actions = [name for name in actions if name not in NOT_ANSWER_ACTIONS]
    if FEEDBACK_QUESTION not in actions:
        return None
    asked_at = len(actions) - 1 - actions[::-1].index(FEEDBACK_QUESTION)
    answer = actions[asked_at - 1] if asked_at > 0 else None
    if answer == ANSWERED_IN_PARTS:
        return topics()[topic].response if topic in topics() else None
    return answer


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        helpful = tracker.get_intent_of_latest_message() in HELPFUL_INTENTS
        topic = answered_topic(tracker.events, tracker.get_slot("topic"))
        if topic:
            record(topic, helpful)
        dispatcher.utter_message(
            response="utter_feedback_thanks" if helpful else "utter_feedback_sorry"
        )
        return []
