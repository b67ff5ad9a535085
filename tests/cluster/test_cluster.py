"""Two Rasa servers behind HAProxy on PostgreSQL and Redis, as `make cluster` runs them.

The cluster is started once for this module (cluster/, every port free) and stopped
at the end, whatever happens. Messages go through the balancer's REST webhook; HAProxy names
the server that answered in the X-Served-By header. What the servers stored is read straight
from PostgreSQL.
"""

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from actions import feedback
from cluster import ENDPOINTS, Cluster, MissingPackage, check_packages
from report.privacy import shown
from support import REPORT, RESULTS, ROOT, domain

RESPONSES = domain()["responses"]
# Longer than Rasa's ticket lock lifetime (60 s): a conversation whose message died with a
# killed server waits that long for its lock before its next message is handled.
REQUEST_TIMEOUT = 180
# Whatever the walk-through asks, in whatever order: the answer for each question.
ANSWERS = {
    "utter_ask_tumor_site": "pancreas",
    "utter_ask_hormone_status": "it makes hormones",
    "utter_ask_tumor_spread": "it spread to the liver",
}
MAX_TURNS = 12


def openings(response: str) -> List[str]:
    """The fixed start of each variation of a response, up to its first fill-in."""
    return [re.split(r"\{\w+\}", v["text"])[0][:60] for v in RESPONSES[response]]


def says(text: str, response: str) -> bool:
    return any(start in text for start in openings(response))


@pytest.fixture(scope="module")
def cluster(model_path) -> Iterator[Cluster]:
    try:
        check_packages()
    except MissingPackage as missing:
        pytest.skip(f"cluster tests skipped: {missing}")
    # under the project, not /tmp: the postgres user must be able to reach its data directory
    (ROOT / ".cluster").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="test-", dir=ROOT / ".cluster"))
    running = Cluster(home, servers=2)
    try:
        yield running.start()
    finally:
        running.stop()
        # the processes' logs outlive the run, for when a test fails
        shutil.rmtree(RESULTS / "cluster-logs", ignore_errors=True)
        shutil.copytree(running.logs, RESULTS / "cluster-logs")
        shutil.rmtree(home, ignore_errors=True)


def say(cluster: Cluster, sender: str, message: str) -> Tuple[str, str]:
    """(the server that answered, the bot's texts joined); fails on any error status.

    Rasa's REST channel answers 200 with no messages when handling the message failed (it
    logs the error): every message these tests send gets an answer, so none is an error too.
    """
    reply = requests.post(
        f"{cluster.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=REQUEST_TIMEOUT,
    )
    reply.raise_for_status()
    texts = "\n".join(message.get("text", "") for message in reply.json())
    if not texts:
        raise requests.HTTPError(
            f"no answer to {message!r} from {reply.headers.get('X-Served-By')}"
        )
    return reply.headers.get("X-Served-By", ""), texts


def query(cluster: Cluster, sql: str, *parameters: Any) -> List[Tuple]:
    """Rows straight from the cluster's PostgreSQL."""
    import psycopg2

    db = psycopg2.connect(
        host="127.0.0.1",
        port=cluster.db_port,
        user="rasa",
        password=cluster.secrets()["DB_PASSWORD"],
        dbname="rasa",
    )
    try:
        with db.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()
    finally:
        db.close()


def stored_events(cluster: Cluster, sender: str) -> List[Dict]:
    rows = query(cluster, "SELECT data FROM events WHERE sender_id = %s ORDER BY id", sender)
    return [json.loads(data) for (data,) in rows]


def user_texts(cluster: Cluster, sender: str) -> List[str]:
    return [e["text"] for e in stored_events(cluster, sender) if e["event"] == "user"]


def last_question(said: str) -> str | None:
    """The question from ANSWERS asked last in a reply (a reply may say more before it)."""
    at = {name: max(said.rfind(start) for start in openings(name)) for name in ANSWERS}
    name = max(at, key=lambda name: at[name])
    return name if at[name] >= 0 else None


def walk_to_the_explanation(cluster: Cluster, sender: str, said: str) -> Tuple[str, List[str]]:
    """Answer each question from ANSWERS until the explanation's closing words arrive."""
    served_by: List[str] = []
    for _ in range(MAX_TURNS):
        if says(said, "utter_fit_closing"):
            return said, served_by
        asked = last_question(said)
        assert asked, f"the walk-through asked something unexpected: {said!r}"
        server, said = say(cluster, sender, ANSWERS[asked])
        served_by.append(server)
    pytest.fail(f"no explanation after {MAX_TURNS} answers; last reply: {said!r}")


def test_a_walkthrough_is_answered_by_both_servers(cluster):
    sender = f"walk-{uuid.uuid4().hex[:8]}"
    server, said = say(cluster, sender, "what are my options")
    explanation, served_by = walk_to_the_explanation(cluster, sender, said)
    served_by.insert(0, server)
    assert "pancreas" in explanation and "liver" in explanation
    # one client, no stickiness: both servers answer it (the balancer's health checks may
    # change the order, so not strictly in turn)
    assert set(served_by) == {"rasa-1", "rasa-2"}
    assert user_texts(cluster, sender)[0] == "what are my options"


def test_feedback_is_counted_in_postgresql(cluster):
    def helpful() -> int:
        return sum(count[True] for count in feedback.counts(cluster.feedback_db).values())

    before = helpful()
    sender = f"feedback-{uuid.uuid4().hex[:8]}"
    _, said = say(cluster, sender, "what is prrt?")
    assert says(said, "utter_ask_helpful")
    say(cluster, sender, "/affirm")
    assert helpful() == before + 1


def test_twenty_messages_at_once_for_one_conversation_are_handled_one_by_one(cluster):
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    sent = [f"what is prrt? (question {number})" for number in range(20)]
    start = threading.Barrier(len(sent))

    def send(message: str) -> Tuple[str, str]:
        start.wait()
        return say(cluster, sender, message)

    with ThreadPoolExecutor(len(sent)) as pool:
        replies = list(pool.map(send, sent))  # each one answered (say() checks)
    assert {server for server, _ in replies} == {"rasa-1", "rasa-2"}

    # The lock store let one server at a time load, extend and save this tracker: every user
    # event is there once, and each turn ends (action_listen) before the next message starts.
    events = stored_events(cluster, sender)
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(sent)
    kinds = [
        "listen" if e.get("name") == "action_listen" else e["event"]
        for e in events
        if e["event"] in ("user", "bot") or e.get("name") == "action_listen"
    ]
    first = kinds.index("user")
    turns = " ".join(kinds[first:]).split("user")[1:]
    assert len(turns) == 20
    for turn in turns:
        assert turn.split() and turn.split()[0] == "bot" and turn.split()[-1] == "listen"
        assert turn.split().count("listen") == 1
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps)


def test_a_killed_server_costs_only_its_requests_in_flight(cluster):
    conversations = [f"kill-{number}-{uuid.uuid4().hex[:6]}" for number in range(50)]
    messages = ["hello", "what is prrt?", "how do I get an appointment?", "what is somatostatin"]
    workers = 10
    answered: Dict[str, List[str]] = {sender: [] for sender in conversations}
    failed: List[Tuple[str, str, str]] = []
    done = threading.Semaphore(0)

    def converse(sender: str) -> None:
        for message in messages:
            try:
                say(cluster, sender, message)
                answered[sender].append(message)
            except requests.RequestException as error:
                failed.append((sender, message, str(error)))
            done.release()

    with ThreadPoolExecutor(workers) as pool:
        running = [pool.submit(converse, sender) for sender in conversations]
        for _ in range(len(conversations) * len(messages) // 4):  # a quarter of the way in
            done.acquire()
        cluster.kill_server(0)
        for future in running:
            future.result()

    total = len(conversations) * len(messages)
    REPORT.append(
        f"cluster kill test: {len(failed)} of {total} requests failed when rasa-1 was killed"
    )
    print(f"\n{len(failed)} of {total} requests failed: {failed}")
    # Only requests in flight on the killed server fail (502, at most one per client), and, in
    # a conversation that lost one, the next message: it waits behind the dead server's lock
    # ticket until that expires, and Rasa then answers it with nothing (LockError).
    in_flight = [f for f in failed if "502" in f[2]]
    assert len(in_flight) <= workers
    lost = {
        (sender, messages[messages.index(message) + 1])
        for sender, message, _ in failed
        if message != messages[-1]
    }
    assert all((sender, message) in lost for sender, message, error in failed if "502" not in error)
    for sender in conversations:
        assert set(answered[sender]) <= set(user_texts(cluster, sender))

    # every conversation continues, on the server left
    def carry_on(sender: str) -> str:
        return say(cluster, sender, "how do I get an appointment?")[0]

    with ThreadPoolExecutor(workers) as pool:
        assert set(pool.map(carry_on, conversations)) == {"rasa-2"}
    for sender in conversations:
        assert user_texts(cluster, sender)[-1] == "how do I get an appointment?"


def test_after_a_full_restart_conversations_continue_where_they_were(cluster):
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    _, said = say(cluster, sender, "what are my options")
    assert says(said, "utter_ask_tumor_site"), said
    _, said = say(cluster, sender, "pancreas")
    asked_before = last_question(said)

    started = time.monotonic()
    cluster.stop()
    cluster.start()
    REPORT.append(f"cluster full restart (2 servers): {time.monotonic() - started:.0f} s")

    explanation, _ = walk_to_the_explanation(cluster, sender, said)
    assert asked_before and "pancreas" in explanation  # the answer given before the restart
    assert user_texts(cluster, sender)[:2] == ["what are my options", "pancreas"]


def test_slack_event_ids_are_shared_through_redis(cluster):
    """Two server processes (two channel objects) with the cluster's Redis lock store: an
    event one of them accepted is a repeat for the other."""
    from types import SimpleNamespace

    from rasa.core.lock_store import RedisLockStore

    from channels.slack import RedisIds, SlackInput

    def request_to_a_server() -> Any:
        lock_store = RedisLockStore(
            port=cluster.redis_port, password=cluster.secrets()["REDIS_PASSWORD"], db=0
        )
        return SimpleNamespace(
            app=SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=lock_store)))
        )

    first, second = (SlackInput("token", slack_signing_secret="secret") for _ in range(2))
    event = f"Ev{uuid.uuid4().hex}"
    first_ids, second_ids = (
        first.seen_ids(request_to_a_server()),
        second.seen_ids(request_to_a_server()),
    )
    assert isinstance(first_ids, RedisIds)
    assert not first_ids.seen_before(event)
    assert second_ids.seen_before(event)


def test_tickets_issued_at_once_by_several_processes_are_all_kept(cluster):
    """Four lock stores (as four servers would have) issuing 40 tickets for one conversation
    at once: every ticket is distinct and in the queue (stores/lock_store.py)."""
    from rasa.utils.endpoints import EndpointConfig

    from stores.lock_store import AtomicRedisLockStore

    settings = EndpointConfig(
        url="127.0.0.1",
        port=cluster.redis_port,
        password=cluster.secrets()["REDIS_PASSWORD"],
        db=0,
    )
    stores = [AtomicRedisLockStore(settings) for _ in range(4)]
    conversation = f"tickets-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda n: stores[n % 4].issue_ticket(conversation), range(40)))
    assert sorted(tickets) == list(range(40))
    lock = stores[0].get_lock(conversation)
    assert lock is not None and len(lock.tickets) == 40


def test_the_report_runs_on_postgresql(cluster, tmp_path):
    """`python -m report` as an operator runs it on the cluster: endpoints.cluster.yml, its
    environment, the feedback counts in PostgreSQL. Last, so every test's conversations are in."""
    out = tmp_path / "report.html"
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "report", "--days", "1"]
    command += ["--endpoints", str(ENDPOINTS), "--out", str(out), "--feedback", cluster.feedback_db]
    run = subprocess.run(
        command, cwd=ROOT, env=cluster.env(), capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    page = out.read_text()
    [(conversations,)] = query(
        cluster, "SELECT count(DISTINCT sender_id) FROM events WHERE type_name = 'user'"
    )
    assert f"{shown(conversations)} conversations wrote at least one message" in page
    prrt = feedback.counts(cluster.feedback_db)["utter_prrt"]
    assert f"Peptide radionuclide therapy</th><td>{shown(prrt[True])}</td>" in page
    assert "Reached the explanation" in page
    senders = [sender for (sender,) in query(cluster, "SELECT DISTINCT sender_id FROM events")]
    assert not [sender for sender in senders if sender in page]
