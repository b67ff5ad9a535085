"""Every name of a response, action, intent or slot that the Python code uses is in the domain.

The one guard for names written in code: it reads every string literal in the action server,
the NLU components and the failsafe package, and checks the ones shaped like a domain name.
"""

import ast
from functools import lru_cache
from typing import Set

from actions.factors import FACTOR_LABELS
from support import ROOT, domain

CODE_FOLDERS = ("actions", "nlp", "failsafe", "channels")
# Rasa's own actions and intents, which the domain does not list
RASA_ACTIONS = {"action_listen", "action_extract_slots", "action_deactivate_loop", "action_restart"}
RASA_INTENTS = {"nlu_fallback"}
RASA_SLOTS = {"requested_slot"}
# a key of Rasa's bot-message metadata, not a response
RASA_KEYS = {"utter_action"}


@lru_cache(maxsize=1)
def strings_in_code() -> Set[str]:
    return {
        node.value
        for folder in CODE_FOLDERS
        for path in (ROOT / folder).glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def named(prefixes) -> Set[str]:
    return {
        s
        for s in strings_in_code()
        if s.isidentifier() and s.startswith(prefixes) and s.islower() and not s.endswith("_")
    }


def test_responses_named_in_code_exist():
    assert named(("utter_",)) - set(domain()["responses"]) - RASA_KEYS == set()


def test_actions_named_in_code_exist():
    actions = set(domain()["actions"]) | set(domain().get("forms") or {}) | RASA_ACTIONS
    assert named(("action_", "validate_")) - actions == set()


def test_intents_named_in_code_exist():
    assert (
        named(("ask_", "request_", "feedback_")) - set(domain()["intents"]) - RASA_INTENTS == set()
    )


def test_slots_named_in_code_exist():
    # slots read or set by name: tracker.get_slot("x"), SlotSet("x", ...), and the factors
    used = {
        node.args[0].value
        for folder in CODE_FOLDERS
        for path in (ROOT / folder).glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("get_slot", "SlotSet")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    } | set(FACTOR_LABELS)
    assert used - set(domain()["slots"]) - RASA_SLOTS == set()
