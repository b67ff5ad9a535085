"""The scope registry (scope/registry.yml): what the assistant covers, read by NLU and actions."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, NamedTuple

import yaml

REGISTRY = Path(__file__).with_name("registry.yml")


class Topic(NamedTuple):
    id: str
    intent: str
    response: str
    label: str
    page: bool
    called: str
    simpler: str
    words: List[str] = []
    names: Dict[str, List[str]] = {}
    page_says: Dict[str, str] = {}


class Aspect(NamedTuple):
    id: str
    response: str | None = None
    words: List[str] = []
    of_topic: str | None = None
    topic_answer: bool = False


@lru_cache(maxsize=1)
def registry() -> Dict[str, Any]:
    return yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def topics() -> Dict[str, Topic]:
    """topic id -> its entry, in the registry's order."""
    return {id: Topic(id=id, **entry) for id, entry in registry()["topics"].items()}


@lru_cache(maxsize=1)
def aspects() -> Dict[str, Aspect]:
    return {id: Aspect(id=id, **entry) for id, entry in registry()["aspects"].items()}


def topic_of_intent(intent: str | None) -> Topic | None:
    return next((topic for topic in topics().values() if topic.intent == intent), None)


def page_topic_intents() -> FrozenSet[str]:
    """The intents answered from the NET page (not the hospital's own claims)."""
    return frozenset(topic.intent for topic in topics().values() if topic.page)


def labels() -> Dict[str, str]:
    """intent -> readable label, for every answer "did you mean" may offer."""
    return {t.intent: t.label for t in topics().values()} | registry()["suggestions"]


def not_covered_aspects() -> FrozenSet[str]:
    return frozenset(registry()["not_covered"])


def glossary_words_not_topics() -> FrozenSet[str]:
    """Glossary terms with words of their own ("IV", "catheter"), not a topic's name."""
    return frozenset(term for term, entry in registry()["glossary"].items() if "words" in entry)


def glossary_response(entity: str, value: str) -> str | None:
    """The response explaining a word the message named: a glossary term, topic or factor."""
    if entity == "term":
        return registry()["glossary"].get(value, {}).get("response")
    if entity == "topic":
        by_topic = {
            e["topic"]: e["response"] for e in registry()["glossary"].values() if "topic" in e
        }
        return by_topic.get(value)
    return registry()["glossary_factors"].get(value)


def closest_only(name: str, topic: str) -> bool:
    """A name whose topic's answer is only the nearest the page comes (not one of its kind)."""
    return name.lower() in topics()[topic].names.get("closest", [])
