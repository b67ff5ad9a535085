"""The report's figures, counted by the database over Rasa's `events` table.

Rasa's SQL tracker store writes one row per event: sender_id, type_name ("user", "action",
"slot", "active_loop"...), timestamp, intent_name (user messages), action_name (the action, or
a slot's or a form's name) and data, the whole event as JSON text. Every figure is a GROUP BY
in the database, reading the JSON only where a figure needs a field of it, so a month of
100,000 conversations is counted without loading a tracker into Python. The same statements
run on SQLite and PostgreSQL; only reading a JSON field and a timestamp's day differ.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.dialects import postgresql

from retention import url_is_sqlite
from scope import aspects

# the table exactly as Rasa's SQL tracker store defines and writes it
EVENTS = SQLTrackerStore.SQLEvent.__table__
NOT_UNDERSTOOD = "nlu_fallback"  # Rasa's FallbackClassifier: no intent was likely enough
# the replies saying the page does not cover what was asked (domain.yml: utter_not_covered_*
# for a NET question, utter_page_silent for an aspect of a topic, "is it safe?")
NOT_COVERED_RESPONSES = "utter_not_covered"
PAGE_SILENT = "utter_page_silent"
EMERGENCY_RESPONSE = "utter_emergency"  # 911 first and alone (data/rules/safety.yml)
# the walk-through (domain.yml): its form, the factors it asks for in order, its explanation,
# and the care team's answers people add after it
WALKTHROUGH_FORM = "treatment_factors_form"
FACTOR_SLOTS = ("tumor_site", "hormone_status", "tumor_spread")
EXPLANATION = "action_explain_options"
REFINE_INTENT = "refine_options"
# how the rules end the walk-through on "stop" or an emergency (data/rules/); a form that is
# completed, or Rasa's two-stage fallback, ends itself
STOP_ACTION = "action_deactivate_loop"
# a button sends its payload as the message: "/ask_surgery"
BUTTON_PREFIX = "/"


@dataclass
class Figures:
    """Everything the report shows, already counted (nothing here names a person)."""

    since: float
    until: float
    first_event: float | None = None
    last_event: float | None = None
    total_conversations: int = 0
    # (day, channel) -> count
    conversations: Dict[Tuple[str, str], int] = field(default_factory=dict)
    messages: Dict[Tuple[str, str], int] = field(default_factory=dict)
    # intent -> (typed, by button)
    intents: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    # day -> count
    not_understood: Dict[str, int] = field(default_factory=dict)
    not_covered: Dict[str, int] = field(default_factory=dict)
    emergencies: Dict[str, int] = field(default_factory=dict)
    # aspect id -> questions not covered that named it
    not_covered_aspects: Counter = field(default_factory=Counter)
    # step -> conversations, in the walk-through's order
    walkthrough: Dict[str, int] = field(default_factory=dict)
    # model_id -> (conversations started with it, first and last session start)
    models: Dict[str, Tuple[int, float, float]] = field(default_factory=dict)
    # opt-in (--with-unanswered, else None): the messages not understood, unmasked here
    unanswered: List[str] | None = None


class Dialect:
    """The two expressions SQLite and PostgreSQL write differently."""

    def __init__(self, name: str):
        self.postgresql = name == "postgresql"

    def json_field(self, *path: str, events: Any = EVENTS) -> Any:
        """A field of the event's JSON as text (NULL when absent or JSON null)."""
        if self.postgresql:
            return sa.func.json_extract_path_text(sa.cast(events.c.data, postgresql.JSON), *path)
        return sa.func.json_extract(events.c.data, "$." + ".".join(path))

    def day(self, events: Any = EVENTS) -> Any:
        """The event's day in UTC, as YYYY-MM-DD."""
        if self.postgresql:
            utc = sa.func.timezone("UTC", sa.func.to_timestamp(events.c.timestamp))
            return sa.func.to_char(utc, "YYYY-MM-DD")
        return sa.func.date(events.c.timestamp, "unixepoch")


def _in_period(since: float, until: float, *conditions: Any, events: Any = EVENTS) -> Any:
    return sa.and_(events.c.timestamp >= since, events.c.timestamp < until, *conditions)


def _not_covered_reply(sql: Dialect, figures: "Figures", events: Any = EVENTS) -> Any:
    """A reply saying the page does not cover what was asked."""
    response = sql.json_field("metadata", "utter_action", events=events)
    return _in_period(
        figures.since,
        figures.until,
        events.c.type_name == "bot",
        # the raw text first, so that only the few replies that may be one are parsed as JSON
        sa.or_(events.c.data.contains(NOT_COVERED_RESPONSES), events.c.data.contains(PAGE_SILENT)),
        sa.or_(response.startswith(NOT_COVERED_RESPONSES), response == PAGE_SILENT),
        events=events,
    )


def _senders(since: float, until: float, *conditions: Any) -> Any:
    """The conversations with an event matching `conditions` in the period."""
    return sa.select(EVENTS.c.sender_id).where(_in_period(since, until, *conditions))


def count_user_messages(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """Messages per day and channel, intents typed or by button, and "not understood" per day:
    one pass over the user messages."""
    day, channel = sql.day(), sql.json_field("input_channel")
    by_button = sa.case((sql.json_field("text").startswith(BUTTON_PREFIX), 1), else_=0)
    rows = db.execute(
        sa.select(day, channel, EVENTS.c.intent_name, by_button, sa.func.count())
        .where(_in_period(figures.since, figures.until, EVENTS.c.type_name == "user"))
        .group_by(day, channel, EVENTS.c.intent_name, by_button)
    )
    for on, through, intent, button, count in rows:
        through = through or "unknown"
        figures.messages[on, through] = figures.messages.get((on, through), 0) + count
        typed, buttons = figures.intents.get(intent, (0, 0))
        figures.intents[intent] = (
            (typed + count, buttons) if not button else (typed, buttons + count)
        )
        if intent == NOT_UNDERSTOOD:
            figures.not_understood[on] = figures.not_understood.get(on, 0) + count


def count_conversations(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """Conversations per day and channel: people who wrote at least one message that day."""
    day, channel = sql.day(), sql.json_field("input_channel")
    rows = db.execute(
        sa.select(day, channel, sa.func.count(sa.distinct(EVENTS.c.sender_id)))
        .where(_in_period(figures.since, figures.until, EVENTS.c.type_name == "user"))
        .group_by(day, channel)
    )
    figures.conversations = {(on, through or "unknown"): count for on, through, count in rows}
    figures.total_conversations = db.execute(
        sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id))).where(
            _in_period(figures.since, figures.until, EVENTS.c.type_name == "user")
        )
    ).scalar_one()


def count_emergencies(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    day = sql.day()
    rows = db.execute(
        sa.select(day, sa.func.count())
        .where(
            _in_period(
                figures.since,
                figures.until,
                EVENTS.c.type_name == "action",
                EVENTS.c.action_name == EMERGENCY_RESPONSE,
            )
        )
        .group_by(day)
    )
    figures.emergencies = dict(rows.all())


def count_not_covered(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """Replies saying the page does not cover it, per day, and the aspects (scope/registry.yml)
    the messages they answered named. Entities are a JSON list, which SQLite and PostgreSQL
    unpack differently: only these few messages' lists are read, in Python."""
    day = sql.day()
    rows = db.execute(
        sa.select(day, sa.func.count()).where(_not_covered_reply(sql, figures)).group_by(day)
    )
    figures.not_covered = dict(rows.all())
    reply = EVENTS.alias("reply")
    question = (
        sa.select(sa.func.max(EVENTS.c.id))
        .where(
            EVENTS.c.sender_id == reply.c.sender_id,
            EVENTS.c.type_name == "user",
            EVENTS.c.id < reply.c.id,
        )
        .scalar_subquery()
    )
    questions = sa.select(question).where(_not_covered_reply(sql, figures, events=reply))
    rows = db.execute(
        sa.select(sql.json_field("parse_data", "entities")).where(EVENTS.c.id.in_(questions))
    )
    known = aspects()
    for (entities,) in rows:
        named = {
            entity.get("value")
            for entity in json.loads(entities or "[]")
            if entity.get("entity") == "aspect" and entity.get("value") in known
        }
        figures.not_covered_aspects.update(named)


def count_walkthrough(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """Conversations at each step of the walk-through: started, each factor answered,
    explanation reached, refined with what the care team said; then, of those that never
    reached the explanation, stopped ("stop" or an emergency) or left mid-way."""
    since, until = figures.since, figures.until
    started = _senders(
        since, until, EVENTS.c.type_name == "active_loop", EVENTS.c.action_name == WALKTHROUGH_FORM
    )
    explained = _senders(
        since, until, EVENTS.c.type_name == "action", EVENTS.c.action_name == EXPLANATION
    )
    stopped = _senders(
        since, until, EVENTS.c.type_name == "action", EVENTS.c.action_name == STOP_ACTION
    )
    in_explained = EVENTS.c.sender_id.in_(explained)
    in_stopped = EVENTS.c.sender_id.in_(stopped)
    # each step counts the conversations with a row matching it: one pass over those started
    steps: Dict[str, Any] = {
        "started": sa.true(),
        **{
            slot: sa.and_(
                EVENTS.c.type_name == "slot",
                EVENTS.c.action_name == slot,
                sql.json_field("value").is_not(None),
            )
            for slot in FACTOR_SLOTS
        },
        "explained": in_explained,
        "refined": sa.and_(in_explained, EVENTS.c.intent_name == REFINE_INTENT),
        "stopped": sa.and_(sa.not_(in_explained), in_stopped),
        "left": sa.and_(sa.not_(in_explained), sa.not_(in_stopped)),
    }
    counts = db.execute(
        sa.select(
            *(
                sa.func.count(sa.distinct(sa.case((step, EVENTS.c.sender_id))))
                for step in steps.values()
            )
        ).where(_in_period(since, until, EVENTS.c.sender_id.in_(started)))
    ).one()
    figures.walkthrough = dict(zip(steps, counts, strict=True))


def count_models(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """The models that answered: Rasa writes the model's id into every event's metadata; a
    conversation's session start names the model that began it."""
    model = sql.json_field("metadata", "model_id")
    rows = db.execute(
        sa.select(
            model,
            sa.func.count(sa.distinct(EVENTS.c.sender_id)),
            sa.func.min(EVENTS.c.timestamp),
            sa.func.max(EVENTS.c.timestamp),
        )
        .where(_in_period(figures.since, figures.until, EVENTS.c.type_name == "session_started"))
        .group_by(model)
    )
    figures.models = {name or "unknown": (count, first, last) for name, count, first, last in rows}


def read_period(db: sa.engine.Connection, figures: Figures) -> None:
    first, last = db.execute(
        sa.select(sa.func.min(EVENTS.c.timestamp), sa.func.max(EVENTS.c.timestamp)).where(
            _in_period(figures.since, figures.until)
        )
    ).one()
    figures.first_event, figures.last_event = first, last


def read_unanswered(db: sa.engine.Connection, sql: Dialect, figures: Figures) -> None:
    """The text of every message not understood in the period (masked by the caller)."""
    rows = db.execute(
        sa.select(sql.json_field("text"))
        .where(
            _in_period(
                figures.since,
                figures.until,
                EVENTS.c.type_name == "user",
                EVENTS.c.intent_name == NOT_UNDERSTOOD,
            )
        )
        .order_by(EVENTS.c.timestamp)
    )
    figures.unanswered = [text for (text,) in rows if text]


def nothing_stored(url: Any) -> bool:
    """An SQLite file not created yet: nothing to count (and connecting would create it)."""
    database = sa.engine.make_url(url).database
    return bool(url_is_sqlite(url) and database and not Path(database).exists())


def count(url: Any, since: float, until: float, with_unanswered: bool = False) -> Figures:
    """Every figure of the report, for events from `since` to `until` (UNIX times)."""
    figures = Figures(since=since, until=until)
    if nothing_stored(url):
        return figures
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(EVENTS.name):
            return figures  # no conversation stored yet
        sql = Dialect(engine.dialect.name)
        with engine.connect() as db:
            read_period(db, figures)
            count_user_messages(db, sql, figures)
            count_conversations(db, sql, figures)
            count_emergencies(db, sql, figures)
            count_not_covered(db, sql, figures)
            count_walkthrough(db, sql, figures)
            count_models(db, sql, figures)
            if with_unanswered:
                read_unanswered(db, sql, figures)
        return figures
    finally:
        engine.dispose()
