"""Things tests share that are not fixtures: paths, the end-of-run report, tracker building."""

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import yaml
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "net-assistant.tar.gz"
RESULTS = ROOT / "results"
DOMAIN_FILE = ROOT / "domain.yml"

# What the channel tests expect people to see first: the greeting written out once for all
# channels (a change to it should be seen), the chemotherapy answer's first sentence from domain.yml.
GREETING = "Hi! I explain general information about treatment for neuroendocrine tumors (NETs)"
GREETING_PAYLOADS = [
    "/ask_treatment_factors",
    "/explore_options",
    "/ask_surgery",
    "/request_appointment",
    "/ask_capabilities",
]


# The page every answer restates: NET_SOURCE_PAGE, else ../shared/content/ beside the repository
# (CI), or beside a folder above it (a git worktree kept one level deeper).
def _source_page() -> Path:
    if os.environ.get("NET_SOURCE_PAGE"):
        return Path(os.environ["NET_SOURCE_PAGE"])
    relative = Path("shared") / "content" / "net-treatment-page.txt"
    found = (folder / relative for folder in ROOT.parents if (folder / relative).exists())
    return next(found, ROOT.parent / relative)


PAGE = _source_page()

# Lines tests want printed at the end of the run (held-out F1, story counts): see conftest.py.
REPORT: List[str] = []


def make_tracker(
    slots: Dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: List[Dict[str, Any]] | None = None,
    intent_ranking: List[Dict[str, Any]] | None = None,
    events: List[Dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A rasa-sdk tracker as the action server receives it, built with Tracker.from_dict."""
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
                "intent_ranking": intent_ranking or [{"name": intent, "confidence": 1.0}],
            },
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


@lru_cache(maxsize=1)
def domain() -> Dict[str, Any]:
    """domain.yml, as plain YAML."""
    return yaml.safe_load(DOMAIN_FILE.read_text())


CHEMOTHERAPY = domain()["responses"]["utter_chemotherapy"][0]["text"].split(".")[0]


def entity_names() -> set:
    """The domain's entities (an entity with roles is a mapping of its name to them)."""
    return {next(iter(e)) if isinstance(e, dict) else e for e in domain()["entities"]}
