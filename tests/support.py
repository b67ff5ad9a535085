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
DOMAIN_DIR = ROOT / "domain"

# What the channel tests expect people to see first, written out once for all channels.
GREETING = "Hi! I explain general information about treatment for neuroendocrine tumors (NETs)"
CHEMOTHERAPY = "Chemotherapy works by killing fast-growing cells"
GREETING_PAYLOADS = [
    "/ask_treatment_factors",
    "/explore_options",
    "/ask_surgery",
    "/request_appointment",
    "/ask_capabilities",
]
# The page every answer restates. It sits beside the repository (../shared/content/ in CI);
# NET_SOURCE_PAGE points elsewhere.
SOURCE_PAGE = Path(
    os.environ.get("NET_SOURCE_PAGE", ROOT.parent / "shared" / "content" / "net-treatment-page.txt")
)
if not SOURCE_PAGE.exists() and not os.environ.get("NET_SOURCE_PAGE"):
    # a git worktree one level deeper (/work/wt/<name>) than the main checkout (/work/main)
    SOURCE_PAGE = ROOT.parent.parent / "shared" / "content" / "net-treatment-page.txt"


def _source_page() -> Path:
    """The source page: NET_SOURCE_PAGE, else ../shared/content/ of the repo (or of a folder
    above it, for a worktree kept one level deeper)."""
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
    """The domain as Rasa reads it from domain/: each file's lists and mappings merged."""
    return merged_domain(sorted(DOMAIN_DIR.glob("*.yml")))


def merged_domain(paths: List[Path]) -> Dict[str, Any]:
    """Domain files merged as Rasa merges them: each file's lists and mappings together."""
    merged: Dict[str, Any] = {}
    for path in paths:
        for key, value in (yaml.safe_load(path.read_text()) or {}).items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value
    return merged


def free_port() -> int:
    """A port nothing listens on now (other helpers' servers run on this machine too)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
