"""Things tests share that are not fixtures: paths, the end-of-run report, tracker building."""
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "net-assistant.tar.gz"
RESULTS = ROOT / "results"

# Lines tests want printed at the end of the run (held-out F1, story counts): see conftest.py.
REPORT: List[str] = []


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "inform",
    entities: Optional[List[Dict[str, Any]]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
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
