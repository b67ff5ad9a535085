"""`make forget`: events older than N days leave the tracker store, on SQLite and PostgreSQL.

Conversations are written by Rasa's own SQL tracker store (which endpoints.yml's class is), with
timestamps in the past, and read back through it after `python -m retention` (what
`make forget` runs) has run against an endpoints.yml pointing at the same database.
PostgreSQL is a throwaway instance of Debian's packages (`make cluster-packages`) on a free port, run as
the postgres user (initdb refuses root), with its socket in its own directory.
"""

import asyncio
import glob
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import retention
from processes import free_port
from support import ROOT

DAY = 24 * 60 * 60
NOW = time.time()
# who said what, how many days ago
CONVERSATIONS: Dict[str, List[float]] = {
    "old": [45, 45],  # everything older than 30 days: the conversation goes
    "mixed": [40, 2],  # came back recently: only the old half goes
    "recent": [1, 0],  # kept
}
SECRET = "my mother's NET is in her pancreas"


def events(days_ago: List[float]) -> list:
    result: list = []
    for n, days in enumerate(days_ago):
        at = NOW - days * DAY
        result += [
            UserUttered(f"{SECRET} ({days} days ago, {n})", timestamp=at - 2),
            BotUttered("Surgery is the preferred treatment.", timestamp=at - 1),
            ActionExecuted("action_listen", timestamp=at),
        ]
    return result


def user_texts(store: SQLTrackerStore, sender: str) -> List[str]:
    tracker = asyncio.run(store.retrieve_full_tracker(sender))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def fill(store_settings: Dict[str, object]) -> SQLTrackerStore:
    store = SQLTrackerStore(domain=Domain.empty(), **store_settings)
    for sender, days_ago in CONVERSATIONS.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events(days_ago))))
    return store


def forget(endpoints: Path, days: float = 30) -> str:
    """What `python -m retention` prints; in this process (importing Rasa again takes ~20 s)."""
    deleted = retention.forget(retention.database_url(str(endpoints)), days)
    return f"Deleted {deleted} events older than {days:g} days."


def forget_command(endpoints: Path, days: str = "30") -> str:
    """`make forget` itself."""
    run = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "retention",
            "--days",
            days,
            "--endpoints",
            str(endpoints),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def check_forgotten(store: SQLTrackerStore, output: str) -> None:
    # 3 events for each of the 3 old messages ("old" twice, "mixed" once)
    assert "Deleted 9 events older than 30 days" in output
    assert user_texts(store, "old") == []
    assert user_texts(store, "mixed") == [f"{SECRET} (2 days ago, 1)"]
    assert len(user_texts(store, "recent")) == 2


def test_forget_on_sqlite(tmp_path):
    db = tmp_path / "tracker.db"
    store = fill({"dialect": "sqlite", "db": str(db)})
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: failsafe.tracker_store.SQLTrackerStore\n"
        f'  dialect: "sqlite"\n  db: "{db}"\n'
    )
    check_forgotten(store, forget_command(endpoints))
    # vacuumed: the deleted words are not left in the file's free pages
    assert b"45 days ago" not in db.read_bytes()
    # run again: nothing more to delete, and a run with 0 days empties it
    assert "Deleted 0 events" in forget(endpoints)
    assert "Deleted 9 events older than 0 days" in forget(endpoints, 0)


def test_forget_without_any_conversation_yet(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "new.db"}"\n'
    )
    assert "Deleted 0 events" in forget(endpoints)
    assert not (tmp_path / "new.db").exists()


@pytest.fixture(scope="module")
def postgres() -> Iterator[Dict[str, object]]:
    """A throwaway PostgreSQL server; yields the tracker store's settings for it."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        pytest.fail("PostgreSQL is not installed: run `make cluster-packages`")
    bin_dir = Path(binaries[-1]).parent
    work = Path(tempfile.mkdtemp(prefix="net-assistant-pg-"))
    data, port = work / "data", free_port()
    shutil.chown(work, "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        as_postgres + [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1"
    subprocess.run(
        as_postgres
        + [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(work / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield {
            "dialect": "postgresql",
            "host": "127.0.0.1",
            "port": port,
            "db": "tracker",
            "username": "postgres",
            "login_db": "postgres",
        }
    finally:
        subprocess.run(
            as_postgres + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(work, ignore_errors=True)


def test_forget_on_postgresql(postgres, tmp_path):
    store = fill(postgres)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: failsafe.tracker_store.SQLTrackerStore\n"
        + "".join(f"  {k}: {v}\n" for k, v in postgres.items() if k != "host")
        + f"  url: {postgres['host']}\n"
    )
    check_forgotten(store, forget(endpoints))
