"""The test stories' messages are written for them, not copied from the training data.

tests/test_stories.yml runs whole conversations through the trained NLU; on messages the model
was trained on it would test memory, not understanding. A story message counts as shared with
data/nlu/ when it is a near-duplicate of a training example (tests/near_duplicates.py). Slash
commands (`/ask_prrt`, what buttons send) are not messages.
"""

from functools import lru_cache
from typing import List

import yaml
from rasa.shared.nlu.training_data.entities_parser import replace_entities
from rasa.shared.nlu.training_data.loading import load_data

from near_duplicates import Examples
from support import REPORT, ROOT

STORIES = ROOT / "tests" / "test_stories.yml"
MOST_SHARED = 3


@lru_cache(maxsize=1)
def training_examples() -> Examples:
    """Every NLU example as Rasa reads it (entity annotations taken out)."""
    data = load_data(str(ROOT / "data" / "nlu"))
    return Examples(example.get("text") for example in data.intent_examples)


def story_messages() -> List[str]:
    """Every message a story's user types, without its entity annotations."""
    stories = yaml.safe_load(STORIES.read_text())["stories"]
    texts = [step["user"].strip() for story in stories for step in story["steps"] if "user" in step]
    return [replace_entities(text) for text in texts if not text.startswith("/")]


def test_story_messages_are_not_training_examples():
    messages = story_messages()
    assert messages, "no user messages found in tests/test_stories.yml"
    shared = [
        f"{message!r} ~ {match[1]!r} ({match[0]:.2f})"
        for message in messages
        if (match := training_examples().closest(message))
    ]
    REPORT.append(f"test story messages shared with data/nlu: {len(shared)} of {len(messages)}")
    assert len(shared) <= MOST_SHARED, "\n".join(shared)
