"""The bad-input battery: what a careless or hostile user can send, over REST, socket.io and Slack.

For each input: no crash, a clear 4xx or a normal answer (never a 500, never silence for a
message), and nothing a user sends changes what another user sees or the hospital's facts:
after every input the same user and a new one are told the hospital's real phone number.
Texts carry CANARY so that the last test can check no log repeats them. The figures (inputs
tried, conversations per second) go to the end-of-run report.
"""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.nlg.interpolator import interpolate_text
from test_slack import direct_message, has_reply, post, post_event
from test_socketio import WidgetLikeClient, text_starts

from failsafe.guard import MAX_MESSAGE_CHARS
from support import GREETING, REPORT, domain

CANARY = "zqxcanary"
RESPONSES = domain()["responses"]
HOSPITAL = {name: slot.get("initial_value") for name, slot in domain()["slots"].items()}
FACTS = {k: v for k, v in HOSPITAL.items() if isinstance(v, str)}


def rendered(response: str) -> str:
    return interpolate_text(RESPONSES[response][0]["text"], FACTS)


APPOINTMENT = rendered("utter_request_appointment")
TOO_LONG = rendered("utter_message_too_long")
HELPFUL = rendered("utter_ask_helpful")
RESTART = rendered("utter_restart")
# what injected values look like, so that no reply may contain them
INJECTED = [CANARY, "555-0100", "Evil Clinic", "evil.example", "<script", "onerror"]
TRIED: Dict[str, int] = {"REST": 0, "socket.io": 0, "Slack": 0}

SLOT_INJECTIONS = [
    f'/inform{{"appointment_phone": "555-0100 {CANARY}"}}',
    '/inform{"hospital_name": "Evil Clinic"}',
    '/inform{"source_page_url": "https://evil.example"}',
    '/inform{"appointment_phone_name": "Evil Clinic"}',
    '/request_appointment{"appointment_phone": "555-0100"}',
    '/greet{"hospital_name": "Evil Clinic", "appointment_phone": "555-0100"}',
    f'/inform{{"tumor_site": "<script>alert(1)</script>{CANARY}"}}',
    f'/explore_options{{"tumor_site": "{CANARY}", "hormone_status": "{CANARY}", "tumor_spread": "{CANARY}"}}',
    '/inform{"requested_slot": "appointment_phone"}',
    '/inform{"tumor_site": ["lung", "liver"]}',
    '/inform{"tumor_site": {"$ne": null}}',
    '/ask_surgery{"drug": "' + "x" * 3000 + '"}',
]
SLASH_COMMANDS = [
    "/restart",
    "/session_start",
    "/emergency",
    "/stop",
    "/out_of_scope",
    "/nlu_fallback",
    f"/no_such_intent {CANARY}",
    f"/inform{{bad json {CANARY}",
    "/inform@2.5",
    '/inform@-1{"tumor_site": "lung"}',
    "/affirm",
    "/deny",
    "/",
    "//",
    f"/ greet {CANARY}",
    "/greet/greet/greet",
    '/inform{"tumor_site": "lung"}\n/restart',
]
ODD_TEXTS = [
    "\x00",
    f"what is surgery\x00{CANARY}",
    f"\x01\x02\x07\x08\x1b[31m {CANARY}",
    f"\x1b[2J\x1b[H what is PRRT {CANARY}",
    f"\u202ewhat is chemotherapy {CANARY}",
    f"ما هو العلاج {CANARY}",
    f"מה הטיפול {CANARY}",
    f"\u200bwh\u200cat is su\u200drgery\ufeff {CANARY}",
    "🧬💊🏥",
    "is surgery 🔪 an option?",
    "👨\u200d👩\u200d👧\u200d👦",
    "Z̷̢̛a̶l̵g̸o̷ " * 200,
    f"\ud800 lone surrogate {CANARY}",
    "\n" * 4000,
    "x" * MAX_MESSAGE_CHARS,
    f"{CANARY} " + "surgery " * MAX_MESSAGE_CHARS,
    f"'; DROP TABLE events; -- {CANARY}",
    f"{{appointment_phone}} {{hospital_name}} {CANARY}",
    "{{7*7}} ${7*7}",
    f"[click](javascript:alert(1)) {CANARY}",
]
TEXTS = SLOT_INJECTIONS + SLASH_COMMANDS + ODD_TEXTS


def webhook(servers) -> str:
    return f"{servers.rasa_url}/webhooks/rest/webhook"


def new_sender() -> str:
    return f"bad-{uuid.uuid4().hex[:10]}"


def reply_texts(replies: List[Dict]) -> List[str]:
    return [reply.get("text") or "" for reply in replies]


def assert_facts_unchanged(servers, user: str) -> None:
    """The user's own conversation, and a new one, still get the hospital's real facts."""
    for sender in (user, new_sender()):
        assert reply_texts(servers.rest(sender, "/request_appointment"))[0] == APPOINTMENT


def assert_normal(replies: List[Dict], user: str) -> None:
    texts = reply_texts(replies)
    assert texts and all(texts), f"silence or an empty message: {replies}"
    assert all(reply["recipient_id"] == user for reply in replies)
    for text in texts:
        assert not any(value in text for value in INJECTED), text


@pytest.mark.parametrize("text", TEXTS)
def test_rest_text(servers, text):
    TRIED["REST"] += 1
    user = new_sender()
    response = requests.post(webhook(servers), json={"sender": user, "message": text}, timeout=120)
    assert response.status_code == 200, response.text
    replies = response.json()
    if text == "/session_start":
        # Rasa's own command for channels to start a session: it starts one and says nothing
        assert replies == []
    else:
        assert_normal(replies, user)
    if len(text) > MAX_MESSAGE_CHARS:
        assert reply_texts(replies) == [TOO_LONG]
    if text == "/restart":
        assert reply_texts(replies) == [RESTART]
    assert_facts_unchanged(servers, user)


def test_rest_slot_injection_inside_the_walkthrough(servers):
    """Arbitrary text for every walk-through factor: never shown back, and the walk-through
    still ends with the page's explanation and the real appointment phone."""
    TRIED["REST"] += 1
    user = new_sender()
    servers.rest(user, "/explore_options")
    injected = {
        slot: f"{CANARY}<b>"
        for slot in domain()["forms"]["treatment_factors_form"]["required_slots"]
    }
    replies = servers.rest(user, "/inform" + json.dumps(injected))
    for _ in range(8):  # answer "not sure" to whatever is asked until the explanation
        assert_normal(replies, user)
        if any(HOSPITAL["appointment_phone"] in text for text in reply_texts(replies)):
            break
        replies = servers.rest(user, "not sure")
    else:
        pytest.fail(f"the walk-through never ended: {replies}")
    assert_facts_unchanged(servers, user)


BIG = 1_100_000  # above the server's request size limit (SANIC_REQUEST_MAX_SIZE)


def raw(data: bytes, content_type: str | None = "application/json") -> Dict:
    return {"data": data, "headers": {"Content-Type": content_type} if content_type else {}}


REQUESTS = [
    pytest.param(raw(b"[" * 100_000 + b"]" * 100_000), 400, id="deeply-nested-array"),
    pytest.param(
        raw(('{"sender": "x", "message": ' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "}").encode()),
        400,
        id="deeply-nested-message",
    ),
    pytest.param(raw(b'{"sender": "x", "message": "hi"}', "text/plain"), 200, id="text-plain"),
    pytest.param(raw(b'{"sender": "x", "message": "hi"}', None), 200, id="no-content-type"),
    pytest.param(
        raw(
            b"--b\r\nContent-Disposition: form-data; name=message\r\n\r\nhi\r\n--b--",
            "multipart/form-data; boundary=b",
        ),
        400,
        id="multipart",
    ),
    pytest.param(raw(b'{"sender": "x", "message": "\xff\xfe bad utf-8"}'), 400, id="invalid-utf8"),
    pytest.param(
        raw(json.dumps({"sender": "s" * 256, "message": "hi"}).encode()), 400, id="sender-256"
    ),
    pytest.param(
        raw(json.dumps({"sender": "s" * 100_000, "message": "hi"}).encode()), 400, id="sender-100k"
    ),
    pytest.param(
        raw(json.dumps({"sender": 42, "message": "hi"}).encode()), 400, id="sender-number"
    ),
    pytest.param(
        raw(json.dumps({"sender": ["x"], "message": "hi"}).encode()), 400, id="sender-list"
    ),
    pytest.param(
        raw(
            json.dumps(
                {f"k{i}": i for i in range(20_000)} | {"sender": "x", "message": "hi"}
            ).encode()
        ),
        200,
        id="20k-keys",
    ),
    pytest.param(raw(b'{"sender": "x", "message": "hi", "message": 42}'), 400, id="duplicate-keys"),
    pytest.param(
        raw(json.dumps({"sender": "x", "message": "m" * BIG}).encode()), 413, id="1MB-message"
    ),
    pytest.param(raw(b"{" * BIG), 413, id="1MB-garbage"),
]


@pytest.mark.parametrize("request_kwargs, status", REQUESTS)
def test_rest_request(servers, request_kwargs, status):
    TRIED["REST"] += 1
    if status == 200:  # a sender of its own, so that the answer can be checked
        user = new_sender()
        body = json.loads(request_kwargs["data"])
        body["sender"] = user
        request_kwargs = dict(request_kwargs, data=json.dumps(body).encode())
    response = requests.post(webhook(servers), timeout=120, **request_kwargs)
    assert response.status_code == status, response.text[:500]
    if status == 200:
        assert_normal(response.json(), user)
    assert_facts_unchanged(servers, new_sender())


@pytest.mark.parametrize(
    "sender", ["x/../../etc/passwd", "\x00\x01 sender", "👨\u200d👩", "' OR 1=1 --", "\u202esender"]
)
def test_rest_odd_sender_ids_are_their_own_conversations(servers, sender):
    TRIED["REST"] += 1
    sender = f"{sender} {uuid.uuid4().hex[:6]}"
    assert_normal(servers.rest(sender, "/greet"), sender)
    assert servers.user_texts(sender, at_least=1) == ["/greet"]


SOCKET_TEXTS = [
    f'/inform{{"appointment_phone": "555-0100 {CANARY}"}}',
    '/greet{"hospital_name": "Evil Clinic"}',
    "/restart",
    f"\x00\u202e\u200b {CANARY}",
    "🧬💊🏥",
    "x" * (MAX_MESSAGE_CHARS + 1),
]
# user_uttered payloads that no widget sends; the server must shrug them off
SOCKET_PAYLOADS: List[Dict[str, Any]] = [
    {"message": None},
    {"message": 42},
    {"message": ["what is surgery"]},
    {"message": {"text": "hi"}},
    {"message": "hi", "customData": "{not json"},
]


async def test_socketio_battery(servers):
    client = WidgetLikeClient()
    try:
        session_id = await client.connect(servers.rasa_url)
        for text in SOCKET_TEXTS:
            TRIED["socket.io"] += 1
            client.replies.clear()
            await client.say(text, session_id)
            await client.say("/request_appointment", session_id)
            # the appointment answer is followed by "Was this helpful?": wait for both, so that
            # no reply of this round arrives after the next round has started
            await client.wait_for(text_starts(APPOINTMENT))
            await client.wait_for(text_starts(HELPFUL))
            texts = [reply.get("text") or "" for reply in client.replies]
            assert texts[-2:] == [APPOINTMENT, HELPFUL] and len(texts) >= 3, texts
            for reply in texts:
                assert not any(value in reply for value in INJECTED), reply
            if len(text) > MAX_MESSAGE_CHARS:
                assert TOO_LONG in texts
        for payload in SOCKET_PAYLOADS:
            TRIED["socket.io"] += 1
            client.replies.clear()
            await client.sio.emit("user_uttered", dict(payload, session_id=session_id))
            await client.say("/request_appointment", session_id)
            # the connection and the conversation carry on
            await client.wait_for(text_starts(APPOINTMENT))
        # events no widget sends, and a session id longer than the tracker store's column
        for event, data in [
            ("user_uttered", "just a string"),
            ("session_request", {"session_id": {"a": 1}}),
            ("session_request", {"session_id": "s" * 100_000}),
            ("no_such_event", {}),
        ]:
            TRIED["socket.io"] += 1
            await client.sio.emit(event, data)
        client.replies.clear()
        await client.say("/request_appointment", session_id)
        await client.wait_for(text_starts(APPOINTMENT))
    finally:
        await client.close()
    assert_facts_unchanged(servers, new_sender())


SLACK_TEXTS = [
    f'/inform{{"appointment_phone": "555-0100 {CANARY}"}}',
    '/request_appointment{"hospital_name": "Evil Clinic"}',
    "/restart",
    f"\x00\x1b[2J\u202e\u200b {CANARY}",
    "<script>alert(1)</script> what is PRRT",
    "x" * (MAX_MESSAGE_CHARS + 1),
]


def slack_ids() -> Dict[str, str]:
    tag = uuid.uuid4().hex[:10].upper()
    return {"user": f"U{tag}", "channel": f"D{tag}", "event_id": f"Ev{tag}"}


@pytest.mark.parametrize("text", SLACK_TEXTS)
def test_slack_text(servers, text):
    TRIED["Slack"] += 1
    conv = slack_ids()
    response = post_event(
        servers, direct_message(conv["user"], conv["channel"], conv["event_id"], text)
    )
    assert response.status_code == 200
    # the same person then asks for the phone: answered, and with the real one
    post_event(
        servers,
        direct_message(
            conv["user"], conv["channel"], conv["event_id"] + "b", "/request_appointment"
        ),
    )
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(APPOINTMENT))
    texts = [call.get("text", "") for call in calls]
    assert len(texts) >= 2, texts  # the odd message was answered too
    for reply in texts:
        assert not any(value in reply for value in INJECTED), reply
    if len(text) > MAX_MESSAGE_CHARS:
        assert TOO_LONG in texts


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"[" * 100_000, "application/json"),
        (
            json.dumps(
                {"type": "event_callback", "event_id": "EvX", "event": {"type": "message"}}
            ).encode(),
            "application/json",
        ),
        (
            json.dumps(
                {
                    "type": "event_callback",
                    "event_id": "EvY",
                    "event": {"type": "reaction_added", "user": "U1"},
                }
            ).encode(),
            "application/json",
        ),
        (b'{"type": "event_callback"}', "text/plain"),
    ],
    ids=[
        "truncated-json",
        "deeply-nested",
        "message-without-user-or-text",
        "unknown-event",
        "wrong-content-type",
    ],
)
def test_slack_malformed_signed_request(servers, body, content_type):
    TRIED["Slack"] += 1
    response = post(servers, body, content_type=content_type)
    assert response.status_code < 500, response.text[:500]
    assert_facts_unchanged(servers, new_sender())


# Signed by Slack, so only Slack (or whoever holds the signing secret) can send these, and Slack
# never does; Rasa's own SlackInput answers them with 500, channels/slack.py with 400.
@pytest.mark.parametrize(
    "payload",
    [
        pytest.param("{not json", id="interactive-not-json"),
        pytest.param(
            json.dumps({"type": "block_actions", "user": {"id": "U1"}, "actions": [{}]}),
            id="click-on-a-component-rasa-does-not-read",
        ),
    ],
)
def test_slack_malformed_interactive_request(servers, payload):
    TRIED["Slack"] += 1
    body = urlencode({"payload": payload}).encode()
    response = post(servers, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.text[:500]


def test_slack_button_value_injection(servers):
    """A click whose value sets the hospital's phone: the clicker still gets the real one."""
    TRIED["Slack"] += 1
    conv = slack_ids()
    click = {
        "type": "block_actions",
        "user": {"id": conv["user"], "username": "navigator"},
        "channel": {"id": conv["channel"], "name": "directmessage"},
        "container": {"type": "message", "message_ts": "1700000000.000200"},
        "message": {"type": "message", "ts": "1700000000.000200", "text": "earlier"},
        "actions": [
            {
                "type": "button",
                "action_id": "a1",
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "Surgery"},
                "value": f'/request_appointment{{"appointment_phone": "555-0100 {CANARY}"}}',
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(click)}).encode()
    response = post(servers, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    calls = servers.wait_for_slack_calls(conv["channel"], has_reply(APPOINTMENT))
    assert [call["text"] for call in calls][0] == APPOINTMENT


def test_two_thousand_conversations(servers):
    """Many people at once: each gets their own greeting, addressed to them; the server lives."""
    count, started = 2000, time.monotonic()
    users = [f"crowd-{n}-{uuid.uuid4().hex[:6]}" for n in range(count)]

    def greet(user: str) -> List[Dict]:
        response = requests.post(
            webhook(servers), json={"sender": user, "message": "/greet"}, timeout=120
        )
        assert response.status_code == 200
        return response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(greet, users))
    seconds = time.monotonic() - started
    for user, replies in zip(users, results, strict=True):
        assert [r["recipient_id"] for r in replies] == [user]
        assert replies[0]["text"].startswith(GREETING)
    REPORT.append(
        f"bad-input battery: {count} conversations in {seconds:.0f} s ({count / seconds:.0f}/s)"
    )
    assert_facts_unchanged(servers, new_sender())


def test_no_log_or_feedback_store_keeps_what_people_typed(servers):
    """After the battery: Rasa's and the action server's logs (INFO) have none of its texts,
    and the feedback store (every database but the tracker store) neither texts nor senders."""
    user = new_sender()
    servers.rest(user, f"what is chemotherapy {CANARY}")
    assert reply_texts(servers.rest(user, "/affirm"))
    REPORT.append(
        "bad-input battery: inputs tried "
        + ", ".join(f"{channel} {n}" for channel, n in TRIED.items())
        + f" (total {sum(TRIED.values())})"
    )
    for log in (servers.rasa_log, servers.action_log):
        text = log.read_text(errors="replace")
        assert CANARY not in text, [line for line in text.splitlines() if CANARY in line][:3]
    stores = [path for path in servers.work.glob("*.db") if path != servers.tracker_db]
    assert stores, "no feedback store found next to the tracker store"
    for store in stores:
        content = store.read_bytes()
        assert CANARY.encode() not in content and user.encode() not in content, store
