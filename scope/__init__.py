"""The scope registry (scope/registry.yml): what the assistant covers, read by NLU and actions."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, NamedTuple

import yaml

REGISTRY = Path(__file__).with_name("registry.yml")


class Topic(NamedTuple):
    id: str
    intent: str
    label: str
    response: str
    page: bool


@lru_cache(maxsize=1)
def registry() -> Dict[str, Any]:
    return yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def topics() -> Dict[str, Topic]:
    """topic id -> its entry, in the registry's order."""
    return {id: Topic(id=id, **entry) for id, entry in registry()["topics"].items()}


def topic_of_intent(intent: str | None) -> Topic | None:
    return next((topic for topic in topics().values() if topic.intent == intent), None)


def page_topic_intents() -> FrozenSet[str]:
    """The intents answered from the NET page (not the hospital's own claims)."""
    return frozenset(topic.intent for topic in topics().values() if topic.page)


def labels() -> Dict[str, str]:
    """intent -> readable label, for every answer "did you mean" may offer."""
    return {t.intent: t.label for t in topics().values()} | registry()["suggestions"]
