"""Whole conversations through the trained assistant, scored the way a person would judge them.

The sets (tests/dev/, tests/sealed/) hold only what people type and what should hold at the end
or after each turn (their format: tests/sealed/README.md). A conversation runs through Rasa's
Agent with the real action server, and what the assistant did is read from its tracker: which
responses it sent, and the slots they left. Nothing here looks at how it decided.
"""

import asyncio
import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from scope import registry, topics

FACTORS = ("tumor_site", "hormone_status", "tumor_spread")
REFINEMENTS = ("fully_removable", "surgery_concern")
EMERGENCY, SAFETY_LINE = "utter_emergency", "utter_safety_line"
IN_SHORT, STOPPED = "utter_fit_in_short", "utter_walkthrough_stopped"
PAGE_SILENT = "utter_page_silent"
DECLINE = "utter_personal_advice_general"
SOURCE = "utter_source_passage"
# kinds of follow-up turn that are about the topic in play (an emergency is not)
IN_CONTEXT = (
    "answer",
    "not_on_page",
    "simpler",
    "source",
    "decline_and_general",
    "safety_and_answer",
)


def interval(successes: int, total: int) -> Tuple[float, float]:
    """Wilson 95% interval of a proportion."""
    if not total:
        return 0.0, 1.0
    z, p = 1.96, successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Rate:
    """A share of successes, printed with its 95% interval."""

    successes: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.successes += ok
        self.total += 1

    @property
    def value(self) -> float:
        return self.successes / self.total if self.total else 0.0

    def __str__(self) -> str:
        low, high = interval(self.successes, self.total)
        return f"{self.value:.1%} ({self.successes}/{self.total}, 95% {low:.1%}-{high:.1%})"


@dataclass
class Turn:
    """What the assistant sent in answer to one message, and the topic it left."""

    responses: List[str]
    topic: str | None
    slots: Dict[str, Any] = field(default_factory=dict)


# conversations in flight at once (Talker.conversations)
AT_ONCE = 4


class Talker:
    """Runs conversations through an Agent (with its action endpoint) and reads its tracker."""

    def __init__(self, agent: Any, loop: asyncio.AbstractEventLoop):
        self.agent, self.loop = agent, loop

    def conversations(self, many: List[List[str]]) -> List[List[Turn]]:
        """Several at a time, each its own sender, as a server has them: while one waits for
        the action server (another process), the next is parsed."""

        async def all_of_them() -> List[List[Turn]]:
            gate = asyncio.Semaphore(AT_ONCE)

            async def one(texts: List[str]) -> List[Turn]:
                async with gate:
                    return await self._conversation(texts)

            return await asyncio.gather(*(one(texts) for texts in many))

        return self.loop.run_until_complete(all_of_them())

    async def _conversation(self, texts: List[str]) -> List[Turn]:
        sender = f"scored-{uuid.uuid4().hex}"
        turns, seen = [], 0
        for text in texts:
            await self.agent.handle_text(text, sender_id=sender)
            tracker = await self.agent.tracker_store.retrieve(sender)
            events = list(tracker.events)
            new, seen = events[seen:], len(events)
            responses = [
                (event.metadata or {}).get("utter_action")
                for event in new
                if event.type_name == "bot"
            ]
            turns.append(
                Turn(
                    [name for name in responses if name],
                    tracker.get_slot("topic"),
                    {slot: tracker.get_slot(slot) for slot in FACTORS + REFINEMENTS},
                )
            )
        return turns


def load(path: Path) -> List[Dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return next(iter(data.values()))


# ---------------------------------------------------------------------------- walk-throughs
def walkthrough_ended_right(expect: Dict[str, Any], turns: List[Turn]) -> bool:
    """Explained: the last explanation came after the last answer changed and holds what the
    person said (refinements unsaid stay unsaid). Stopped: nothing asked or explained after it."""
    if expect["end"] == "stopped":
        stop_at = next((i for i, t in enumerate(turns) if STOPPED in t.responses), None)
        if stop_at is None:
            return False
        after = [name for turn in turns[stop_at + 1 :] for name in turn.responses]
        return not any(n.startswith("utter_ask_") or n == IN_SHORT for n in after)
    explained = [i for i, turn in enumerate(turns) if IN_SHORT in turn.responses]
    if not explained:
        return False
    final = turns[-1].slots
    changed = [i for i in range(1, len(turns)) if turns[i].slots != turns[i - 1].slots]
    if changed and changed[-1] > explained[-1]:
        return False
    wanted = {slot: expect.get(slot) for slot in FACTORS + REFINEMENTS}
    return all(final.get(slot) == value for slot, value in wanted.items())


# -------------------------------------------------------------------------------- follow-ups
def _about(topic_id: str) -> set:
    """The responses that give a topic's page content."""
    topic = topics().get(topic_id)
    if not topic:
        return set()
    glossary = {
        entry["response"]
        for entry in registry()["glossary"].values()
        if entry.get("topic") == topic_id
    }
    return {topic.response, topic.simpler, *topic.page_says.values(), *glossary}


def gets_911_first(turn: Turn) -> bool:
    """The reply opens with 911 and 988: the emergency reply, or the safety line."""
    return bool(turn.responses) and turn.responses[0] in (EMERGENCY, SAFETY_LINE)


def follow_up_right(expect: Dict[str, str], turn: Turn) -> bool:
    """Whether a reply is the kind of reply a turn should get, about the right topic."""
    kind, topic = expect["kind"], expect["topic"]
    said = turn.responses
    on_topic = turn.topic == topic
    content = bool(_about(topic) & set(said))
    silent = on_topic and (
        PAGE_SILENT in said or any(n.startswith("utter_not_covered") for n in said)
    )
    if kind == "emergency":
        return said == [EMERGENCY]
    if kind in ("answer", "new_topic"):
        return content and on_topic
    if kind == "not_on_page":
        return silent
    if kind == "simpler":
        return on_topic and topics()[topic].simpler in said if topic in topics() else False
    if kind == "source":
        return on_topic and SOURCE in said
    if kind == "decline_and_general":
        return bool(said) and said[0] == DECLINE and (content or silent)
    if kind == "safety_and_answer":
        return bool(said) and said[0] == SAFETY_LINE and (content or silent)
    raise ValueError(f"unknown kind {kind}")
