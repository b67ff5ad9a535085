"""The REST channel (POST /webhooks/rest/webhook) and the HTTP API, which must stay off.

The REST channel has no authentication of its own: it is for callers on the same network
(rasa shell uses it too). Whatever a caller sends, it gets a clear 4xx or a normal answer,
never a 500, and the server keeps answering.
"""

import json
import uuid

import pytest
import requests

from channels.rest import USAGE
from support import CHEMOTHERAPY, GREETING, GREETING_PAYLOADS, domain


def webhook(servers) -> str:
    return f"{servers.rasa_url}/webhooks/rest/webhook"


def sender() -> str:
    return f"rest-{uuid.uuid4().hex[:10]}"


def test_rest_answers_with_text_and_buttons(servers):
    user = sender()
    [greeting] = servers.rest(user, "/greet")
    assert greeting["recipient_id"] == user
    assert greeting["text"].startswith(GREETING)
    assert [button["payload"] for button in greeting["buttons"]] == GREETING_PAYLOADS

    answer, helpful = servers.rest(user, "what is chemotherapy")
    assert answer["text"].startswith(CHEMOTHERAPY)
    assert len(answer["buttons"]) == len(domain()["responses"]["utter_chemotherapy"][0]["buttons"])
    assert helpful["text"] == "Was this helpful?"
    assert [b["payload"] for b in helpful["buttons"]] == [
        "/affirm",
        "/deny",
    ]


def json_body(value) -> dict:
    return {"data": json.dumps(value).encode(), "headers": {"Content-Type": "application/json"}}


# Each malformed request, and the reason the error must give before the usage line.
NOT_JSON = "The body is not JSON."
NOT_AN_OBJECT = ""  # the usage line alone says it: "POST a JSON object"
NO_SENDER = '"sender" is missing or not a string.'
NO_MESSAGE = '"message" is missing or not a string.'
MALFORMED = [
    pytest.param({"data": b""}, NOT_AN_OBJECT, id="empty-body"),
    pytest.param(
        {"data": b"", "headers": {"Content-Type": "application/json"}},
        NOT_AN_OBJECT,
        id="empty-json-body",
    ),
    pytest.param(
        {"data": b"what is chemotherapy", "headers": {"Content-Type": "application/json"}},
        NOT_JSON,
        id="not-json",
    ),
    pytest.param(
        {"data": b'{"sender": "x", "message": ', "headers": {"Content-Type": "application/json"}},
        NOT_JSON,
        id="truncated-json",
    ),
    pytest.param(json_body(["what is chemotherapy"]), NOT_AN_OBJECT, id="json-array"),
    pytest.param(json_body("what is chemotherapy"), NOT_AN_OBJECT, id="json-string"),
    pytest.param(json_body({"message": "what is chemotherapy"}), NO_SENDER, id="no-sender"),
    pytest.param(json_body({"sender": 7, "message": "hi"}), NO_SENDER, id="number-sender"),
    pytest.param(
        json_body({"sender": "  ", "message": "hi"}), '"sender" is empty.', id="blank-sender"
    ),
    pytest.param(json_body({"sender": "rest-malformed"}), NO_MESSAGE, id="no-message"),
    pytest.param(
        json_body({"sender": "rest-malformed", "message": None}), NO_MESSAGE, id="null-message"
    ),
    pytest.param(
        json_body({"sender": "rest-malformed", "message": 42}), NO_MESSAGE, id="number-message"
    ),
    pytest.param(
        json_body({"sender": "rest-malformed", "message": {"text": "hi"}}),
        NO_MESSAGE,
        id="object-message",
    ),
    pytest.param(
        {
            "data": b"message=hi&sender=x",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        NOT_JSON,
        id="form-encoded",
    ),
]


@pytest.mark.parametrize("request_kwargs, reason", MALFORMED)
def test_malformed_requests_get_400_with_the_reason(servers, request_kwargs, reason):
    response = requests.post(webhook(servers), timeout=60, **request_kwargs)
    assert response.status_code == 400, response.text
    # the reason first, then how to call it (the usage line names both fields whatever the reason)
    assert response.json()["error"] == f"{reason} {USAGE}".strip()
    assert servers.rest(sender(), "/greet")[0]["text"].startswith(GREETING)


@pytest.mark.parametrize(
    "message",
    [
        "what is chemotherapy " + "x" * 100_000,
        "what is chemotherapy 🙂 – é ü ß 中文 العربية",
        "🙂🙂🙂",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)> what is chemotherapy",
        "",
        "   \n\t ",
        "\u0000\u202e\ufeff",
    ],
    ids=[
        "100kB",
        "unicode",
        "emoji-only",
        "script",
        "img-onerror",
        "empty",
        "whitespace",
        "control-characters",
    ],
)
def test_odd_messages_get_a_normal_answer(servers, message):
    user = sender()
    reply = requests.post(webhook(servers), json={"sender": user, "message": message}, timeout=120)
    assert reply.status_code == 200, reply.text
    messages = reply.json()
    assert messages and all(m["recipient_id"] == user and m.get("text") for m in messages)
    # the assistant never repeats what it was sent (the web widget shows replies as HTML)
    assert "<script" not in reply.text and "onerror" not in reply.text
    assert servers.rest(user, "/greet")[0]["text"].startswith(GREETING)


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/messages"),
        ("POST", "/conversations/someone/trigger_intent"),
        ("GET", "/status"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/domain"),
    ],
)
def test_http_api_is_not_exposed(servers, method, path):
    """`rasa run` without --enable-api registers none of the HTTP API's routes: 404."""
    response = requests.request(method, servers.rasa_url + path, json={"text": "hi"}, timeout=30)
    assert response.status_code == 404
