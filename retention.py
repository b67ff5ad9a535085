"""Delete everything the tracker store holds that is older than N days (`make forget DAYS=30`).

The tracker store (endpoints.yml: SQLite by default, or PostgreSQL) keeps each conversation as
rows of the `events` table, one per message, reply or slot, each with a UNIX timestamp. Every
event older than the cutoff is deleted, so nothing anyone typed stays longer than N days, and a
conversation with nothing newer disappears entirely. SQLite is then vacuumed, so the deleted
text does not linger in the file's free pages (PostgreSQL's autovacuum reclaims them).

    python -m retention --days 30 [--endpoints endpoints.yml]
"""

import argparse
import time
from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import read_endpoints_from_path

DEFAULT_DAYS = 30
SECONDS_PER_DAY = 24 * 60 * 60
# the settings SQLTrackerStore.get_db_url takes; `type` and the rest are not connection settings
URL_SETTINGS = ("dialect", "port", "db", "username", "password", "query")


def database_url(endpoints_path: str) -> Any:
    """The tracker store's database, built from endpoints.yml the way Rasa builds it."""
    store = read_endpoints_from_path(endpoints_path).tracker_store
    if store is None or "dialect" not in store.kwargs:
        raise SystemExit(f"{endpoints_path} names no SQL tracker store: nothing is kept to forget.")
    settings: Dict[str, Any] = {k: v for k, v in store.kwargs.items() if k in URL_SETTINGS}
    return SQLTrackerStore.get_db_url(host=store.url, **settings)


def url_is_sqlite(url: Any) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def forget(url: Any, days: float, now: float | None = None) -> int:
    """Delete events older than `days`; return how many were deleted."""
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    database = sa.engine.make_url(url).database
    if url_is_sqlite(url) and database and not Path(database).exists():
        return 0  # no conversation stored yet (and connecting would create the file)
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0  # the server has not stored a conversation yet
        with engine.begin() as connection:
            deleted = connection.execute(
                sa.text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            ).rowcount
        if url_is_sqlite(url):
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM")
                )
        return deleted
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="keep this many days")
    parser.add_argument("--endpoints", default="endpoints.yml", help="where the tracker store is")
    args = parser.parse_args()
    if args.days < 0:
        parser.error("--days must be 0 or more")
    deleted = forget(database_url(args.endpoints), args.days)
    print(f"Deleted {deleted} events older than {args.days:g} days.")


if __name__ == "__main__":
    main()
