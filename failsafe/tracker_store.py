"""Rasa's SQL tracker store (SQLite or PostgreSQL, same settings), with this project's two
changes to Rasa 3.6 installed: the apology for a part that is down (failsafe/guard.py), and the
action replies checked against a schema validated once (failsafe/action_results.py).

endpoints.yml (and the Helm values, deploy/helm/values.yaml) name this class as the tracker
store's `type`, so every `rasa run` and `rasa shell` that reads them imports it before the
first message arrives.
"""

from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore

from failsafe import action_results, guard

guard.install()
action_results.install()


class SQLTrackerStore(RasaSQLTrackerStore):
    """Unchanged: importing this module is what installs the two changes."""
