"""The test stories' messages are written for them, not copied from the training data.

tests/test_stories.yml runs whole conversations through the trained NLU; on messages the model
was trained on it would test memory, not understanding. A story message counts as shared with
data/nlu/ when, lowercased and with punctuation removed, it matches a training example with a
difflib ratio of 0.9 or more. Slash commands (`/ask_prrt`, what buttons send) are not messages.
"""

import difflib
import re
from functools import lru_cache
from typing import Iterable, List, Tuple

import yaml
from rasa.shared.nlu.training_data.entities_parser import replace_entities
from rasa.shared.nlu.training_data.loading import load_data

from support import REPORT, ROOT

STORIES = ROOT / "tests" / "test_stories.yml"
NEAR_DUPLICATE = 0.9
MOST_SHARED = 3


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


@lru_cache(maxsize=1)
def training_examples() -> List[str]:
    """Every NLU example as Rasa reads it (entity annotations taken out), normalised."""
    data = load_data(str(ROOT / "data" / "nlu"))
    return sorted({normalised(example.get("text")) for example in data.intent_examples})


def story_messages() -> List[str]:
    """Every message a story's user types, without its entity annotations."""
    stories = yaml.safe_load(STORIES.read_text())["stories"]
    texts = [step["user"].strip() for story in stories for step in story["steps"] if "user" in step]
    return [replace_entities(text) for text in texts if not text.startswith("/")]


def shared_with(message: str, examples: Iterable[str]) -> Tuple[float, str] | None:
    """The closest training example at a ratio of NEAR_DUPLICATE or more, if there is one."""
    matcher = difflib.SequenceMatcher(b=normalised(message))
    best = None
    for example in examples:
        matcher.set_seq1(example)
        # the quick ratios are upper bounds of ratio(): skip what cannot reach the threshold
        if matcher.real_quick_ratio() < NEAR_DUPLICATE or matcher.quick_ratio() < NEAR_DUPLICATE:
            continue
        ratio = matcher.ratio()
        if ratio >= NEAR_DUPLICATE and (best is None or ratio > best[0]):
            best = (ratio, example)
    return best


def test_near_duplicates_count_as_shared():
    assert shared_with("Hi there!!", ["hi there"]) == (1.0, "hi there")
    assert shared_with("I'm not sure", ["im not sure"]) == (1.0, "im not sure")
    assert shared_with("What does metastasized mean?", ["what does metastasis mean"])
    assert not shared_with("can you explain what chemotherapy is", ["what is chemotherapy"])


def test_story_messages_are_not_training_examples():
    messages = story_messages()
    assert messages, "no user messages found in tests/test_stories.yml"
    shared = [
        f"{message!r} ~ {match[1]!r} ({match[0]:.2f})"
        for message in messages
        if (match := shared_with(message, training_examples()))
    ]
    REPORT.append(f"test story messages shared with data/nlu: {len(shared)} of {len(messages)}")
    assert len(shared) <= MOST_SHARED, "\n".join(shared)
