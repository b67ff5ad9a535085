"""Benchmark: the report (`python -m report`) on a month of 100,000 conversations in PostgreSQL.

    make benchmark-report
    .venv/bin/python benchmarks/report_volume.py --conversations 100000 --days 30

PostgreSQL is started the way `make cluster` starts it (cluster/, a throwaway directory under
.cluster/). The conversations are made of realistic turns (a topic typed or by button with
"Was this helpful?", walk-throughs finished, stopped or left, questions not covered, messages not
understood, emergencies) spread over the month, on three channels. The first is saved through
Rasa's own SQLTrackerStore.save; saving 100,000 trackers one by one would take far longer than
the report, so the rest are written as the very rows that save writes (checked against the
first), in bulk through the store's SQLAlchemy table. Then `python -m report` runs against
endpoints.cluster.yml, as an operator would, and the time is printed against the 60 s target.

Prints figures; asserts nothing (speed is reviewed, not gated by timed tests).
"""

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from cluster import DB_NAME, DB_USER, ENDPOINTS, Cluster  # noqa: E402
from report.queries import EVENTS  # noqa: E402
from scope import aspects, not_covered_aspects, topics  # noqa: E402

TARGET_SECONDS = 60
DAY = 24 * 60 * 60
BATCH = 20_000
MODEL_ID = uuid.uuid4().hex
CHANNELS = {"socketio": 0.8, "rest": 0.1, "slack": 0.1}
INTENTS = sorted({topic.intent for topic in topics().values()})


def user(text: str, intent: str, entities: List[Dict[str, Any]] | None = None) -> UserUttered:
    """A message as the NLU leaves it: intent, entities and a ranking of ten intents."""
    others = [name for name in INTENTS if name != intent][:9]
    ranking = [{"name": intent, "confidence": 0.93}] + [
        {"name": name, "confidence": 0.007} for name in others
    ]
    return UserUttered(
        text,
        intent=ranking[0],
        entities=entities or [],
        parse_data={
            "intent": ranking[0],
            "entities": entities or [],
            "text": text,
            "message_id": uuid.uuid4().hex,
            "metadata": {},
            "intent_ranking": ranking,
        },
    )


def said(response: str, text: str) -> List[Event]:
    return [ActionExecuted(response), BotUttered(text, metadata={"utter_action": response})]


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def topic_turn(by_button: bool) -> List[Event]:
    topic = random.choice(list(topics().values()))
    asked = f"/{topic.intent}" if by_button else f"tell me about {topic.called}"
    yes = random.random() < 0.8
    return [
        user(asked, topic.intent),
        *said(topic.response, "The page says ... " * 12),
        *said("utter_ask_helpful", "Was this helpful?"),
        listen(),
        user("/affirm" if yes else "/deny", "affirm" if yes else "deny"),
        ActionExecuted("action_record_feedback"),
        BotUttered("Thank you for letting me know."),
        listen(),
    ]


def walkthrough(answers: int, explained: bool, refined: bool) -> List[Event]:
    events: List[Event] = [
        user("/explore_options", "explore_options"),
        ActionExecuted("treatment_factors_form"),
        ActiveLoop("treatment_factors_form"),
    ]
    for slot, value in list(
        {
            "tumor_site": "pancreas",
            "hormone_status": "functional",
            "tumor_spread": "elsewhere",
        }.items()
    )[:answers]:
        events += [*said(f"utter_ask_{slot}", "Where did the tumor start?"), listen()]
        events += [user(value, "inform"), ActionExecuted("treatment_factors_form")]
        events += [SlotSet(slot, value), SlotSet("requested_slot", slot)]
    if explained:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [ActionExecuted("action_explain_options")]
        events += [
            BotUttered("In short: ... " * 20, metadata={"utter_action": "utter_fit_in_short"})
        ]
        events += [listen()]
        if refined:
            events += [user('/refine_options{"fully_removable":"yes"}', "refine_options")]
            events += [
                ActionExecuted("action_explain_options"),
                BotUttered("In short ..."),
                listen(),
            ]
    elif answers < 3 and random.random() < 0.5:  # stopped; otherwise left in the middle
        events += [user("stop", "stop"), ActionExecuted("action_deactivate_loop"), ActiveLoop(None)]
        events += [*said("utter_walkthrough_stopped", "OK, I've stopped the questions."), listen()]
    return events


def not_covered_turn() -> List[Event]:
    aspect = random.choice(sorted(not_covered_aspects()))
    entity = [{"entity": "aspect", "value": aspect, "start": 0, "end": 5}]
    response = aspects()[aspect].response or "utter_not_covered"
    return [
        user(f"what about {aspect.replace('_', ' ')}", "ask_not_covered", entity),
        ActionExecuted("action_answer"),
        BotUttered("The treatment page doesn't cover ...", metadata={"utter_action": response}),
        listen(),
    ]


def not_understood_turn() -> List[Event]:
    return [
        user("something the assistant did not understand", "nlu_fallback"),
        ActionExecuted("action_two_stage_fallback"),
        ActiveLoop("action_two_stage_fallback"),
        BotUttered("I'm not sure I understood. Did you mean one of these?"),
        listen(),
    ]


def emergency_turn() -> List[Event]:
    return [
        user("he is not breathing", "emergency"),
        *said("utter_emergency", "Call 911"),
        listen(),
    ]


# the turns a conversation is made of, and how often each comes
TURNS: Dict[Callable[[], List[Event]], float] = {
    lambda: topic_turn(by_button=False): 0.40,
    lambda: topic_turn(by_button=True): 0.15,
    lambda: walkthrough(3, explained=True, refined=random.random() < 0.3): 0.10,
    lambda: walkthrough(random.randint(0, 2), explained=False, refined=False): 0.08,
    not_covered_turn: 0.12,
    not_understood_turn: 0.12,
    emergency_turn: 0.03,
}


def conversation(channel: str) -> List[Event]:
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), listen()]
    for _ in range(random.choice((1, 1, 2, 2, 3))):
        events += random.choices(list(TURNS), weights=list(TURNS.values()))[0]()
    for event in events:
        if isinstance(event, UserUttered):
            event.input_channel = channel
    return events


def rows(sender: str, events: List[Event], start: float) -> Iterator[Dict[str, Any]]:
    """The rows SQLTrackerStore.save writes for these events, the model's id in each event's
    metadata as the server adds it, a few seconds between events."""
    for n, event in enumerate(events):
        event.timestamp = start + 2 * n
        event.metadata = {**event.metadata, "model_id": MODEL_ID}
        data = event.as_dict()
        yield {
            "sender_id": sender,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def fill(store: SQLTrackerStore, conversations: int, days: float) -> int:
    """Write the conversations; return how many events."""
    now = time.time()
    channels = random.choices(list(CHANNELS), weights=list(CHANNELS.values()), k=conversations)
    # the first through Rasa's own save, and the rows written here must be the same
    first = conversation(channels[0])
    expected = list(rows("conversation-0", first, now - DAY))
    asyncio.run(store.save(DialogueStateTracker.from_events("conversation-0", first)))
    with store.engine.connect() as db:
        saved = [dict(row._mapping) for row in db.execute(EVENTS.select().order_by(EVENTS.c.id))]
    assert [{k: v for k, v in row.items() if k != "id"} for row in saved] == expected
    written = len(saved)
    batch: List[Dict[str, Any]] = []
    tenths = 0
    for n in range(1, conversations):
        start = now - random.uniform(60, days * DAY)
        batch += rows(f"conversation-{n}", conversation(channels[n]), start)
        if len(batch) >= BATCH or n == conversations - 1:
            with store.engine.begin() as db:
                db.execute(EVENTS.insert(), batch)
            written += len(batch)
            batch = []
            if n * 10 // conversations > tenths:  # progress every tenth of the way
                tenths = n * 10 // conversations
                print(f"  {n:,} conversations, {written:,} events", flush=True)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "report-volume.html")
    args = parser.parse_args()
    random.seed(26)
    (ROOT / ".cluster").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="bench-report-", dir=ROOT / ".cluster"))
    cluster = Cluster(home, servers=0, with_actions=False)
    try:
        cluster.start_databases()
        store = SQLTrackerStore(
            domain=Domain.empty(),
            dialect="postgresql",
            host="127.0.0.1",
            port=cluster.db_port,
            db=DB_NAME,
            username=DB_USER,
            password=cluster.secrets()["DB_PASSWORD"],
        )
        print(f"Writing {args.conversations:,} conversations over {args.days:g} days...")
        started = time.monotonic()
        events = fill(store, args.conversations, args.days)
        store.engine.dispose()
        print(f"{events:,} events written in {time.monotonic() - started:.0f} s.")
        args.out.parent.mkdir(exist_ok=True)
        command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "report", "--days", str(args.days)]
        command += ["--endpoints", str(ENDPOINTS), "--out", str(args.out)]
        command += ["--feedback", cluster.feedback_db]
        started = time.monotonic()
        run = subprocess.run(command, cwd=ROOT, env=cluster.env(), capture_output=True, text=True)
        seconds = time.monotonic() - started
        if run.returncode:
            raise SystemExit(f"python -m report failed:\n{run.stdout}{run.stderr}")
        print(run.stdout, end="")
        print(
            f"Report on {args.conversations:,} conversations ({events:,} events) in PostgreSQL: "
            f"{seconds:.1f} s from command to file, Python and Rasa's imports included "
            f"(target: under {TARGET_SECONDS} s)."
        )
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
