"""The report's parts without a server: the privacy rules, and the figures counted from a small
events table written by Rasa's own SQL tracker store (the end-to-end test, with a real server,
is tests/channels/test_report_end_to_end.py)."""

import asyncio
import re
import time
from collections import Counter
from pathlib import Path
from typing import List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from report.html import render
from report.privacy import drawn, mask, shown
from report.queries import count

DAY = 24 * 60 * 60
# noon UTC, so that "yesterday" and "a minute ago" are two days whenever the test runs
NOW = 20_000 * DAY + DAY / 2
MODEL_ID = "0123abcd"


@pytest.mark.parametrize(
    "text, masked",
    [
        ("my email is jo.smith+net@example.org ok", "my email is [e-mail] ok"),
        ("call 713-555-0100 or +1 (713) 555 0100", "call [phone] or [phone]"),
        ("she is 67 and had 3 rounds", "she is [number] and had [number] rounds"),
        ("my dad Peter saw Dr. Lopez at Mercy", "my dad [name] saw [name]. [name] at [name]"),
        # a sentence's first word is not a name; "I" and all-capital words are neither
        (
            "Maria has a NET. Is it bad? I think I'm scared",
            "Maria has a NET. Is it bad? I think I'm scared",
        ),
        ("what is prrt", "what is prrt"),
    ],
)
def test_mask(text, masked):
    assert mask(text) == masked


def test_counts_under_five_are_never_shown_nor_drawn():
    assert [shown(n) for n in (0, 1, 4)] == ["fewer than 5"] * 3
    assert (shown(5), shown(1234)) == ("5", "1,234")
    assert [drawn(n) for n in (0, 4, 5, 70)] == [0, 0, 5, 70]


def user(text: str, intent: str, at: float, entities: List[dict] | None = None) -> UserUttered:
    return UserUttered(
        text,
        intent={"name": intent, "confidence": 1.0},
        entities=entities or [],
        input_channel="rest",
        timestamp=at,
    )


def conversation(at: float, *events: Event) -> List[Event]:
    start: List[Event] = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(metadata={"model_id": MODEL_ID}, timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]
    return start + list(events)


SIDE_EFFECTS = [{"entity": "aspect", "value": "side_effects", "start": 0, "end": 5}]


def conversations(yesterday: float, today: float) -> dict:
    """sender -> events: 6 walk-throughs finished, 1 stopped, 1 left; questions typed and by
    button."""
    walk = [
        user("/explore_options", "explore_options", today),
        ActiveLoop("treatment_factors_form", timestamp=today),
        SlotSet("tumor_site", "pancreas", timestamp=today),
        SlotSet("hormone_status", "functional", timestamp=today),
        SlotSet("tumor_spread", "elsewhere", timestamp=today),
        ActiveLoop(None, timestamp=today),
        ActionExecuted("action_explain_options", timestamp=today),
    ]
    stopped = [
        user("what are my options", "explore_options", today),
        ActiveLoop("treatment_factors_form", timestamp=today),
        SlotSet("tumor_site", None, timestamp=today),  # an answer it could not place
        user("stop", "stop", today),
        ActionExecuted("action_deactivate_loop", timestamp=today),
        ActiveLoop(None, timestamp=today),
    ]
    # left after a message not understood: Rasa's two-stage fallback ends itself, no "stop"
    left = [
        user("/explore_options", "explore_options", today),
        ActiveLoop("treatment_factors_form", timestamp=today),
        SlotSet("tumor_site", "pancreas", timestamp=today),
        user("hmm", "nlu_fallback", today),
        ActiveLoop("action_two_stage_fallback", timestamp=today),
        ActiveLoop(None, timestamp=today),
    ]
    result = {f"walk-{n}": conversation(today, *walk) for n in range(6)}
    result["left"] = conversation(today, *left)
    result["walk-5"] += [user("/refine_options", "refine_options", today)]
    result["stopped"] = conversation(today, *stopped)
    for n in range(7):
        result[f"ask-{n}"] = conversation(
            yesterday,
            user("what is chemo", "ask_chemotherapy", yesterday),
            user("/ask_surgery", "ask_surgery", yesterday),
            user("does chemo make you sick", "ask_follow_up", yesterday, SIDE_EFFECTS),
            BotUttered(
                "The page doesn't say ...",
                metadata={"utter_action": "utter_page_silent"},
                timestamp=yesterday,
            ),
            user("My neighbour Anna says", "nlu_fallback", yesterday),
            user("he collapsed", "emergency", yesterday),
            ActionExecuted("utter_emergency", timestamp=yesterday),
        )
    # outside the period: counted nowhere
    result["old"] = conversation(
        NOW - 40 * DAY, user("what is chemo", "ask_chemotherapy", NOW - 40 * DAY)
    )
    return result


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    db = tmp_path_factory.mktemp("report") / "tracker.db"
    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    yesterday, today = NOW - DAY, NOW - 60
    for sender, events in conversations(yesterday, today).items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    return count(f"sqlite:///{db}", NOW - 30 * DAY, NOW, with_unanswered=True), yesterday, today


def day(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at))


def test_figures_from_a_small_events_table(figures):
    counted, yesterday, today = figures
    assert counted.total_conversations == 15
    assert counted.conversations == {(day(yesterday), "rest"): 7, (day(today), "rest"): 8}
    assert counted.messages == {(day(yesterday), "rest"): 35, (day(today), "rest"): 11}
    assert counted.intents["ask_chemotherapy"] == (7, 0)
    assert counted.intents["ask_surgery"] == (0, 7)
    assert counted.intents["explore_options"] == (1, 7)
    assert counted.not_understood == {day(yesterday): 7, day(today): 1}
    assert counted.not_covered == {day(yesterday): 7}
    assert counted.not_covered_aspects == Counter({"side_effects": 7})
    assert counted.emergencies == {day(yesterday): 7}
    assert counted.walkthrough == {
        "started": 8,
        "tumor_site": 7,  # the stopped one's answer was not placed
        "hormone_status": 6,
        "tumor_spread": 6,
        "explained": 6,
        "refined": 1,
        "stopped": 1,
        "left": 1,
    }
    assert list(counted.models) == [MODEL_ID]
    assert counted.models[MODEL_ID][0] == 15
    assert counted.unanswered == ["My neighbour Anna says"] * 7 + ["hmm"]


def test_the_page_shows_no_text_and_masks_the_unanswered(figures):
    counted, _, _ = figures
    page = render(counted, 30, {"utter_chemotherapy": {True: 6, False: 1}})
    assert "does chemo make you sick" not in page and "walk-1" not in page
    assert "My neighbour [name] says" in page and "Anna" not in page
    # charts inline, nothing fetched
    assert page.count("<svg") == 6 and not re.search(r"(src|href)=.https?:", page)
    counted.unanswered = None
    private = render(counted, 30, {})
    assert "neighbour" not in private


def test_a_store_never_written_is_an_empty_report(tmp_path: Path):
    empty = count(f"sqlite:///{tmp_path / 'none.db'}", NOW - DAY, NOW)
    assert empty.total_conversations == 0 and not (tmp_path / "none.db").exists()
    assert "Nothing in this period" in render(empty, 1, {})
