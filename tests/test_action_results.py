"""The action server's replies are validated as Rasa validates them, with the schema checked
once: a reply Rasa rejects is rejected, and no reply checks the schema again."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from failsafe import action_results

GOOD = {"events": [{"event": "slot", "name": "topic", "value": "prrt"}], "responses": []}
BAD = {"events": [{"event": "no_such_event"}], "responses": []}


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    action_results.install()
    return RemoteAction("action_answer", None)


def test_replies_are_judged_as_rasa_judges_them(installed):
    assert installed._validate_action_result(GOOD)
    with pytest.raises(jsonschema.ValidationError) as rejected:
        installed._validate_action_result(BAD)
    assert "Failed to validate Action server response" in rejected.value.message
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(BAD, RemoteAction.action_response_format_spec())


def test_the_schema_is_checked_once_not_per_reply(installed, monkeypatch):
    installed._validate_action_result(GOOD)  # the validator is built here, or was before
    checks = []
    validator_class = type(action_results.reply_validator())
    monkeypatch.setattr(
        validator_class, "check_schema", classmethod(lambda cls, s: checks.append(s))
    )
    for _ in range(3):
        installed._validate_action_result(GOOD)
    assert checks == []


def test_the_server_installs_it_with_its_tracker_store():
    import failsafe.tracker_store  # noqa: F401  (endpoints.yml names its class)

    assert RemoteAction._validate_action_result is action_results.validate_action_result
