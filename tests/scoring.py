"""Scoring single messages: what the NLU decides for each, and the figures people feel.

Shared by the development set (tests/test_dev_set.py, read and tuned on) and the sealed set
(tests/test_sealed.py, scored only). Per-intent F1 comes from scikit-learn, its 95% interval
from a bootstrap over the messages.
"""

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import f1_score

from conversations import interval

EMERGENCY = "emergency"
NOT_UNDERSTOOD = "nlu_fallback"
# Messages whose right answer is not a NET answer: "not understood" is fine for them.
NOT_IN_SCOPE = frozenset({"out_of_scope", "ask_other_condition"})
BOOTSTRAP_ROUNDS = 300


def examples(*paths: Path) -> List[Tuple[str, str]]:
    """(intent, text) of every example in Rasa NLU files."""
    return [
        (e.get("intent"), e.get("text"))
        for path in paths
        for e in load_data(str(path)).intent_examples
    ]


@dataclass(frozen=True)
class Reading:
    want: str
    got: str
    safety_line: bool
    text: str


def parse(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    """What the model's NLU makes of each text, as Agent.parse_message gives it, all in one run.

    Rasa's NLU components all take a list of messages (the server passes a list of one), so a
    list runs the same code; the sentence encoder then sorts the messages by length and
    multiplies them in padded batches. test_dev_set.py checks that both ways give the same
    intents, confidences and entities.
    """
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE

    processor = agent.processor
    target = processor.model_metadata.nlu_target
    messages = [UserMessage(text) for text in texts]
    parsed = processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: messages}, targets=[target])
    return [message.as_dict(only_output_properties=True) for message in parsed[target]]


def read(agent: Any, pairs: Iterable[Tuple[str, str]]) -> List[Reading]:
    pairs = list(pairs)
    return [
        Reading(
            want,
            parsed["intent"]["name"],
            any(e.get("entity") == "safety" for e in parsed.get("entities") or []),
            text,
        )
        for (want, text), parsed in zip(pairs, parse(agent, [t for _, t in pairs]), strict=True)
    ]


def accuracy(readings: List[Reading]) -> Tuple[int, int]:
    return sum(r.want == r.got for r in readings), len(readings)


def f1_by_intent(readings: List[Reading]) -> Dict[str, float]:
    """intent -> F1 over the messages written for it (nlu_fallback counts as wrong)."""
    intents = sorted({r.want for r in readings})
    scores = f1_score(
        [r.want for r in readings],
        [r.got for r in readings],
        labels=intents,
        average=None,
        zero_division=0,
    )
    return dict(zip(intents, map(float, scores), strict=True))


def f1_intervals(readings: List[Reading], seed: int = 7) -> Dict[str, Tuple[float, float]]:
    """intent -> 95% bootstrap interval of its F1."""
    rng = random.Random(seed)
    samples: Dict[str, List[float]] = {intent: [] for intent in {r.want for r in readings}}
    for _ in range(BOOTSTRAP_ROUNDS):
        drawn = [rng.choice(readings) for _ in readings]
        for intent, score in f1_by_intent(drawn).items():
            samples[intent].append(score)
    low, high = int(0.025 * BOOTSTRAP_ROUNDS), int(0.975 * BOOTSTRAP_ROUNDS) - 1
    return {intent: (sorted(s)[low], sorted(s)[high]) for intent, s in samples.items() if s}


def not_understood(readings: List[Reading]) -> Tuple[int, int]:
    in_scope = [r for r in readings if r.want not in NOT_IN_SCOPE]
    return sum(r.got == NOT_UNDERSTOOD for r in in_scope), len(in_scope)


def emergencies_first(readings: List[Reading]) -> Tuple[int, int]:
    """Emergencies whose reply starts with 911/988: the emergency reply, or the safety line."""
    emergencies = [r for r in readings if r.want == EMERGENCY]
    return sum(r.got == EMERGENCY or r.safety_line for r in emergencies), len(emergencies)


def emergencies_alone(readings: List[Reading]) -> Tuple[int, int]:
    emergencies = [r for r in readings if r.want == EMERGENCY]
    return sum(r.got == EMERGENCY for r in emergencies), len(emergencies)


def alarms(readings: List[Reading]) -> Tuple[int, int]:
    """Non-emergencies answered with the 911/988 reply alone (the `emergency` intent's rule)."""
    others = [r for r in readings if r.want != EMERGENCY]
    return sum(r.got == EMERGENCY for r in others), len(others)


def share(counts: Tuple[int, int]) -> str:
    successes, total = counts
    low, high = interval(successes, total)
    value = successes / total if total else 0.0
    return f"{value:.1%} ({successes}/{total}, 95% {low:.1%}-{high:.1%})"
