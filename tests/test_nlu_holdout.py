"""Held-out NLU check: messages training never sees, scored per intent.

tests/nlu_holdout.yml is never trained on (`rasa train` reads data/ only). The suite fails
below a macro F1 of MIN_MACRO_F1; the per-intent table is printed at the end of the run and
written to results/nlu_holdout.txt.
"""

from collections import Counter
from typing import Dict, List, Tuple

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from support import REPORT, ROOT, domain

HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
TRAINING = ROOT / "data" / "nlu"
MIN_MACRO_F1 = 0.90


def per_intent_f1(pairs: List[Tuple[str, str]]) -> Dict[str, Tuple[float, int]]:
    """intent -> (F1, support) over (expected, predicted) pairs; nlu_fallback counts as wrong."""
    true_pos: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    for want, got in pairs:
        expected[want] += 1
        predicted[got] += 1
        if want == got:
            true_pos[want] += 1
    scores = {}
    for intent in expected:
        precision = true_pos[intent] / predicted[intent] if predicted[intent] else 0.0
        recall = true_pos[intent] / expected[intent]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent] = (f1, expected[intent])
    return scores


@pytest.fixture(scope="module")
def holdout_scores(agent, event_loop, results_dir):
    examples = load_data(str(HOLDOUT)).intent_examples
    pairs, misses, missed_emergencies = [], [], []
    for example in examples:
        parsed = event_loop.run_until_complete(agent.parse_message(example.get("text")))
        want, got = example.get("intent"), parsed["intent"]["name"]
        pairs.append((want, got))
        if want != got and want == "emergency":
            missed_emergencies.append(example.get("text"))
        if want != got:
            misses.append(f"  {want:<28} -> {got:<28} {example.get('text')!r}")
    scores = per_intent_f1(pairs)
    macro = sum(f1 for f1, _ in scores.values()) / len(scores)
    lines = [f"held-out NLU: {len(pairs)} messages, {len(scores)} intents, macro F1 {macro:.3f}"]
    lines += [
        f"  {intent:<28} F1 {f1:.2f}  (n={n})"
        for intent, (f1, n) in sorted(scores.items(), key=lambda s: s[1][0])
    ]
    lines += ["misclassified:"] + misses
    (results_dir / "nlu_holdout.txt").write_text("\n".join(lines) + "\n")
    REPORT.extend(
        lines[: len(scores) + 1] + ["  (misclassified messages: results/nlu_holdout.txt)"]
    )
    return scores, macro, missed_emergencies


def test_holdout_covers_every_intent_with_five_messages():
    counts = Counter(example.get("intent") for example in load_data(str(HOLDOUT)).intent_examples)
    assert set(counts) == set(domain()["intents"])
    assert min(counts.values()) >= 5


def test_holdout_is_never_trained_on():
    training = {e.get("text").lower() for e in load_data(str(TRAINING)).intent_examples}
    holdout = {e.get("text").lower() for e in load_data(str(HOLDOUT)).intent_examples}
    assert not training & holdout


def test_every_intent_has_fifteen_training_examples():
    counts = Counter(e.get("intent") for e in load_data(str(TRAINING)).intent_examples)
    assert min(counts.values()) >= 15, counts.most_common()[-3:]


def test_holdout_macro_f1(holdout_scores):
    _, macro, _ = holdout_scores
    assert macro >= MIN_MACRO_F1, (
        f"macro F1 {macro:.3f} < {MIN_MACRO_F1}: see results/nlu_holdout.txt"
    )


def test_every_held_out_emergency_is_recognised(holdout_scores):
    _, _, missed_emergencies = holdout_scores
    assert not missed_emergencies
