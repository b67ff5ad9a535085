"""Rasa's REST channel, answering a malformed request with 400 and what is wrong.

Rasa 3.6 answers an empty body or a JSON body that is not an object with 500 (its handler
calls `.get` on it), a missing or non-string `message` with 200 and no reply, and a missing
`sender` by putting the message in one conversation shared by every such caller ("default").
A sender id longer than the tracker store's column is refused too (PostgreSQL would fail).
credentials.yml registers it in place of `rest:` (same URL).
The REST channel still has no authentication: keep it internal (README.md).
"""

from typing import Any, Awaitable, Callable

from rasa.core.channels import rest as rasa_rest
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

USAGE = 'POST a JSON object: {"sender": "<conversation id>", "message": "<text>"}'
# the tracker store's sender_id column (VARCHAR(255) in PostgreSQL)
MAX_SENDER_LENGTH = 255


def problem_with(request: Request) -> str | None:
    try:
        body = request.json
    except SanicException:
        return f"The body is not JSON. {USAGE}"
    if not isinstance(body, dict):
        return USAGE
    for field in ("sender", "message"):
        if not isinstance(body.get(field), str):
            return f'"{field}" is missing or not a string. {USAGE}'
    if not body["sender"].strip():
        return f'"sender" is empty. {USAGE}'
    if len(body["sender"]) > MAX_SENDER_LENGTH:
        return f'"sender" is longer than {MAX_SENDER_LENGTH} characters. {USAGE}'
    return None


class RestInput(rasa_rest.RestInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request) -> HTTPResponse | None:
            if request.method == "POST":
                problem = problem_with(request)
                if problem:
                    return response.json({"error": problem}, status=400)
            return None

        return blueprint
