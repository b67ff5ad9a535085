"""Rasa's SQL tracker store (SQLite or PostgreSQL, same settings), with the failsafe installed.

endpoints.yml names this class as the tracker store's `type`, so every `rasa run` and
`rasa shell` that reads endpoints.yml imports it before the first message arrives.
"""

from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore

from failsafe import guard

guard.install()


class SQLTrackerStore(RasaSQLTrackerStore):
    """Unchanged: importing this module is what installs the failsafe."""
