"""Rasa's Redis lock store, made safe for several server processes.

Rasa 3.6's RedisLockStore keeps each conversation's ticket queue as one JSON value and changes
it by read, modify, write: two processes issuing tickets for one conversation at the same
moment can both read the same queue, and one ticket is lost. Then two messages of one
conversation run at once and the SQL tracker store keeps only one of them (tests/cluster saw
15 of 20 simultaneous messages stored). Here every change to a queue happens under a short
Redis mutex (SET NX with an expiry, so a killed process cannot hold it for more than a few
seconds). Named in endpoints.cluster.yml as `stores.lock_store.AtomicRedisLockStore`.
"""

from contextlib import contextmanager
from typing import Iterator

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A critical section is one GET and one SET; holders that die release it after this long.
MUTEX_TIMEOUT = 5.0
# redis-py polls with time.sleep while another process holds the mutex: keep the wait short,
# since it blocks this server's event loop.
POLL_INTERVAL = 0.002


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @contextmanager
    def _exclusive(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_TIMEOUT,
            sleep=POLL_INTERVAL,
            blocking_timeout=MUTEX_TIMEOUT,
        ):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._exclusive(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._exclusive(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finishing a ticket and deleting an empty queue must not interleave with a new ticket
        with self._exclusive(conversation_id):
            super().cleanup(conversation_id, ticket_number)
