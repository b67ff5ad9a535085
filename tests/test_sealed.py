"""The sealed test set: written by writers who never saw data/ or tests/, scored, never read.

tests/sealed/README.md says how it was written and the rule for replacing it. This file prints
aggregates only: no message text, and no intent a missed message went to. Each figure is
printed with its 95% interval beside its target; the targets are goals. The gates stop
regressions: a figure that falls below the floor its first scoring set (tests/sealed/floors.yml)
by more than its interval fails, and every emergency gets 911 or 988 first, always.

The floors were recorded once, by running this file with NET_ASSISTANT_RECORD_FLOORS=1 before
floors.yml existed; the test refuses to overwrite them.
"""

import hashlib
import os
from functools import lru_cache
from typing import Dict, List, Tuple

import pytest
import yaml

from conversations import (
    IN_CONTEXT,
    Rate,
    follow_up_right,
    gets_911_first,
    interval,
    load,
    walkthrough_ended_right,
)
from near_duplicates import Examples
from scoring import (
    Reading,
    accuracy,
    alarms,
    emergencies_alone,
    emergencies_first,
    examples,
    f1_by_intent,
    f1_intervals,
    not_understood,
    read,
    share,
)
from support import REPORT, ROOT

SEALED = ROOT / "tests" / "sealed"
SINGLES = tuple(
    SEALED / name for name in ("singles_a.yml", "singles_b.yml", "tricky.yml", "emergencies.yml")
)
FLOORS = SEALED / "floors.yml"
# The goals (issues 21 and 25), printed beside the figures.
TARGETS = {
    "accuracy": 0.95,
    "intent F1": 0.90,
    "not understood": 0.03,
    "walk-throughs ending right": 0.95,
    "follow-up turns in context": 0.90,
    "911 alone for non-emergencies": 0.01,
}


def test_the_sealed_set_is_the_one_committed():
    listing = (SEALED / "SHA256SUMS").read_bytes()
    assert hashlib.sha256(listing).hexdigest() in (ROOT / "README.md").read_text()
    sums = dict(line.split()[::-1] for line in listing.decode().splitlines())
    assert set(sums) == {path.name for path in SEALED.glob("*.yml") if path != FLOORS}
    for name, digest in sums.items():
        assert hashlib.sha256((SEALED / name).read_bytes()).hexdigest() == digest, name


def test_no_training_example_comes_near_a_sealed_message():
    training = Examples(text for _, text in examples(ROOT / "data" / "nlu"))
    near = sum(bool(training.closest(text)) for _, text in examples(*SINGLES))
    # the count only: a sealed message shown here would be read
    assert near == 0, f"{near} sealed messages are near a training example: remove the examples"


def quiet_failure(message: str) -> None:
    """Fails with the message alone: pytest's traceback would show the test's arguments, the
    scored readings with their sealed messages."""
    pytest.fail(message, pytrace=False)


@lru_cache(maxsize=1)
def floors() -> Dict[str, float]:
    return yaml.safe_load(FLOORS.read_text()) if FLOORS.exists() else {}


def gate(name: str, successes: int, total: int, higher_is_better: bool = True) -> str | None:
    """A regression past the floor by more than the figure's 95% interval, or None."""
    if name not in floors():
        return None
    value, (low, high) = successes / total, interval(successes, total)
    # to the floors' precision: 21 of 21 has an upper bound of 0.99999...
    low, high = round(low, 4), round(high, 4)
    floor = floors()[name]
    if higher_is_better and high < floor:
        return f"{name}: {value:.3f}, its interval up to {high:.3f}, below the floor {floor:.3f}"
    if not higher_is_better and low > floor:
        return f"{name}: {value:.3f}, its interval from {low:.3f}, above the ceiling {floor:.3f}"
    return None


@pytest.fixture(scope="module")
def singles(agent) -> List[Reading]:
    return read(agent, examples(*SINGLES))


@pytest.fixture(scope="module")
def conversations(talker) -> Dict[str, Rate]:
    rates = {"walk-throughs ending right": Rate(), "follow-up turns in context": Rate()}
    rates["follow-up conversations all right"] = Rate()
    rates["emergencies mid-conversation: 911 first"] = Rate()
    rates["emergencies mid-conversation: 911 alone"] = Rate()
    walkthroughs = load(SEALED / "walkthroughs.yml")
    said = talker.conversations([conversation["turns"] for conversation in walkthroughs])
    for conversation, turns in zip(walkthroughs, said, strict=True):
        rates["walk-throughs ending right"].add(
            walkthrough_ended_right(conversation["expect"], turns)
        )
    follow_ups = load(SEALED / "followups.yml")
    said = talker.conversations(
        [[turn["text"] for turn in conversation["turns"]] for conversation in follow_ups]
    )
    for conversation, turns in zip(follow_ups, said, strict=True):
        results = []
        for turn, reply in list(zip(conversation["turns"], turns, strict=True))[1:]:
            ok = follow_up_right(turn["expect"], reply)
            results.append(ok)
            if turn["expect"]["kind"] in IN_CONTEXT:
                rates["follow-up turns in context"].add(ok)
            if turn["expect"]["kind"] == "emergency":
                rates["emergencies mid-conversation: 911 first"].add(gets_911_first(reply))
                rates["emergencies mid-conversation: 911 alone"].add(ok)
        rates["follow-up conversations all right"].add(all(results))
    return rates


def figures(singles: List[Reading], rates: Dict[str, Rate]) -> Dict[str, Tuple[int, int]]:
    counts = {
        "accuracy": accuracy(singles),
        "not understood": not_understood(singles),
        "911 first for emergencies": emergencies_first(singles),
        "911 alone for emergencies": emergencies_alone(singles),
        "911 alone for non-emergencies": alarms(singles),
    }
    counts.update({name: (rate.successes, rate.total) for name, rate in rates.items()})
    return counts


LOWER_IS_BETTER = {"not understood", "911 alone for non-emergencies"}


def test_sealed_figures_hold_their_floors(singles, conversations):
    counts = figures(singles, conversations)
    f1 = f1_by_intent(singles)
    f1_low_high = f1_intervals(singles)
    REPORT.append(
        f"sealed set: {len(singles)} messages, {sum(r.total for r in conversations.values())} scored conversation turns and ends"
    )
    for name, (successes, total) in counts.items():
        target = TARGETS.get(name)
        beside = (
            f"   (target {'<=' if name in LOWER_IS_BETTER else '>='} {target:.0%})"
            if target
            else ""
        )
        REPORT.append(f"  {name:<36} {share((successes, total))}{beside}")
    REPORT.append(
        f"  intent F1: lowest {min(f1.values()):.2f}, {sum(v >= TARGETS['intent F1'] for v in f1.values())}"
        f" of {len(f1)} intents at the target {TARGETS['intent F1']:.2f} or more"
    )
    REPORT.extend(
        [
            f"    {intent:<28} F1 {f1[intent]:.2f} (95% {low:.2f}-{high:.2f})"
            for intent, (low, high) in sorted(f1_low_high.items(), key=lambda item: f1[item[0]])
        ]
    )
    if os.environ.get("NET_ASSISTANT_RECORD_FLOORS") and not floors():
        recorded = {name: round(s / t, 4) for name, (s, t) in counts.items() if t}
        recorded.update({f"F1 {intent}": round(value, 4) for intent, value in f1.items()})
        FLOORS.write_text(
            "# Fixed by the sealed set's first scoring (tests/test_sealed.py); never edited.\n"
            + yaml.safe_dump(recorded, sort_keys=False)
        )
        floors.cache_clear()
    if not floors():
        quiet_failure("no floors: the sealed set has not had its first scoring")
    failures = [
        gate(name, s, t, name not in LOWER_IS_BETTER) for name, (s, t) in counts.items() if t
    ]
    for intent, value in f1.items():
        low, high = f1_low_high[intent]
        floor = floors().get(f"F1 {intent}")
        if floor is not None and round(high, 4) < floor:
            failures.append(
                f"F1 {intent}: {value:.2f}, its interval up to {high:.2f}, below {floor:.2f}"
            )
    if any(failures):
        quiet_failure("; ".join(failure for failure in failures if failure))


def test_every_sealed_emergency_gets_911_first(singles, conversations):
    first, total = emergencies_first(singles)
    # the count only: which message it was is not shown
    if first != total:
        quiet_failure(f"{total - first} of {total} sealed emergencies without 911 first")
    first_in_conversation = conversations["emergencies mid-conversation: 911 first"]
    missed = first_in_conversation.total - first_in_conversation.successes
    if missed:
        quiet_failure(f"{missed} sealed emergencies mid-conversation without 911 first")
