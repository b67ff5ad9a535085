"""`rasa data validate --fail-on-warnings`: no errors, no story conflicts, no warnings but one kind.

`--fail-on-warnings` makes Rasa exit non-zero on story and rule conflicts (which it reports
through its logger, as WARNING lines) and on most data warnings. It does not count two things,
so this test reads the output for them:
- deprecations, which Rasa raises as FutureWarning: any one fails;
- "The utterance 'utter_x' is not used in any story or rule": Rasa has no list of accepted
  ones, so each is checked here. Accepted only for a response that runs without a story naming
  it: a custom action sends it (its name is a string in actions/ or failsafe/, or a response
  of scope/registry.yml, which action_answer reads), a form asks with it (utter_ask_<required
  slot>), or Rasa's own actions send it (fallbacks, and utter_restart for /restart).
Every other line that mentions a warning fails, except the DeprecationWarnings that installed
packages raise about each other when Rasa imports them (Rasa's own deprecations are FutureWarnings).
"""

import ast
import re
import subprocess
from functools import lru_cache
from typing import Iterator, List, Set

from scope import registry
from support import ROOT, domain

# the fallback actions send the first two, and /restart the last
SENT_BY_RASA = {"utter_ask_rephrase", "utter_default", "utter_restart"}
UNUSED_RESPONSE = re.compile(
    r"UserWarning: The utterance '(\w+)' is not used in any story or rule\.$"
)
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# `path:line: Category: message`, as Python prints a warning
PYTHON_WARNING = re.compile(r"^\S+:\d+: (\w+): ")
# DeprecationWarning and its subclasses (SQLAlchemy's MovedIn20Warning): package code, not data
PACKAGE_DEPRECATIONS = {"DeprecationWarning", "PendingDeprecationWarning", "MovedIn20Warning"}


@lru_cache(maxsize=1)
def strings_in_actions() -> Set[str]:
    """Every string literal in the action server's code (comments and names are not strings)."""
    return {
        node.value
        for folder in ("actions", "failsafe")
        for path in (ROOT / folder).glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def named_in_the_registry() -> Set[str]:
    def strings(value) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    return {value for value in strings(registry()) if value.startswith("utter_")}


def asked_by_a_form() -> Set[str]:
    return {
        f"utter_ask_{slot}"
        for form in (domain().get("forms") or {}).values()
        for slot in form.get("required_slots", [])
    }


def sent_without_a_story(response: str) -> bool:
    return (
        response in SENT_BY_RASA
        or response in asked_by_a_form()
        or response in strings_in_actions()
        or response in named_in_the_registry()
    )


def unexpected_warnings(output: str) -> List[str]:
    """The lines of `rasa data validate` output that mention a warning and are not accepted."""
    unexpected = []
    for line in ANSI_COLOUR.sub("", output).splitlines():
        if "warning" not in line.lower():
            continue
        category = PYTHON_WARNING.match(line)
        if category and category[1] in PACKAGE_DEPRECATIONS:
            continue
        unused = UNUSED_RESPONSE.search(line)
        if not (unused and sent_without_a_story(unused[1])):
            unexpected.append(line)
    return unexpected


def test_data_validates_with_only_accepted_warnings():
    run = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "rasa"),
            "data",
            "validate",
            "--fail-on-warnings",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = run.stdout + run.stderr
    unexpected = unexpected_warnings(output)
    assert not unexpected, "\n".join(unexpected)
    assert run.returncode == 0, ANSI_COLOUR.sub("", output)[-3000:]
    # the validator ran to its last step (not cut short with nothing to report)
    assert "No story structure conflicts found." in output, output[-3000:]


def test_only_responses_sent_elsewhere_are_accepted_as_unused():
    """The acceptance is precise: a response no action, form or fallback sends is not accepted."""
    unused = "x.py:1: UserWarning: The utterance '{}' is not used in any story or rule."
    accepted = unused.format(sorted(asked_by_a_form())[0])
    orphan = unused.format("utter_orphan")
    assert unexpected_warnings(accepted) == []
    assert unexpected_warnings(orphan) == [orphan]
    assert unexpected_warnings("x.py:1: DeprecationWarning: pkg_resources is deprecated") == []
    for line in [
        "x.py:1: FutureWarning: NLU data in Rasa JSON format is deprecated",
        "2026-01-01 00:00:00 WARNING  rasa.validator  - Story structure conflict after intent 'x':",
    ]:
        assert unexpected_warnings(line) == [line]
