"""Check the action server's replies against Rasa's schema once per schema, not once per call.

Rasa 3.6 validates every custom action's reply with `jsonschema.validate(result, spec)`, and
jsonschema (4.17, pinned by Rasa's own requirements) checks the schema against its meta-schema
and builds a validator on every such call: about 50 ms of a turn's CPU here, for a reply whose
own check takes under 1 ms. The schema never changes, so the checked validator is built once.
Replies are validated exactly as before, with the same error.
"""

from functools import lru_cache
from typing import Any, Dict

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def reply_validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    try:
        reply_validator().validate(result)
        return True
    except jsonschema.ValidationError as error:
        # Rasa's own message (rasa.core.actions.action.RemoteAction._validate_action_result)
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
