"""What the benchmarks share: simulated people on the REST channel, and the reference bot.

Each simulated person holds a conversation of the given messages, one after another, waiting
for each reply, then starts a new conversation; several run at once. Latency percentiles come
from `statistics.quantiles`.
"""

import asyncio
import statistics
import subprocess
import time
import uuid
from pathlib import Path
from typing import Dict, List

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# Nine short questions of the kind people ask first, sent to both bots alike.
QUESTIONS = [
    "hello",
    "what is prrt?",
    "can they just cut it out?",
    "what does metastasis mean",
    "is chemo used for nets?",
    "what is active surveillance",
    "where do nets grow",
    "how do I get an appointment?",
    "thanks",
]


def percentiles(latencies: List[float]) -> Dict[str, float]:
    """p50 and p95 in milliseconds."""
    if len(latencies) < 2:
        return {"p50": float("nan"), "p95": float("nan")}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000}


async def load(url: str, users: int, seconds: float, messages: List[str]) -> Dict[str, float]:
    """`users` people chatting at once for `seconds`: throughput and latency of the answers."""
    latencies: List[float] = []
    # a failed request (no answer, or not 200), and an answer with no message in it: the rasa
    # init bot has no rule for most NET questions and answers them with nothing, which still
    # costs a turn, so it counts in throughput and latency
    errors = silent = 0
    deadline = time.monotonic() + seconds

    async def person(session: aiohttp.ClientSession) -> None:
        nonlocal errors, silent
        while time.monotonic() < deadline:
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            for text in messages:
                if time.monotonic() >= deadline:
                    return
                sent = time.monotonic()
                try:
                    async with session.post(
                        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                    ) as reply:
                        ok = reply.status == 200
                        silent += ok and not await reply.json()
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    latencies.append(time.monotonic() - sent)
                else:
                    errors += 1

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.monotonic()
        await asyncio.gather(*(person(session) for _ in range(users)))
        elapsed = time.monotonic() - started
    rate = len(latencies) / elapsed
    return {"rate": rate, **percentiles(latencies), "errors": errors, "silent": silent}


def train_reference(work: Path) -> Path:
    """A bot made by `rasa init --no-prompt` in `work`, with the project's Rasa: its model."""
    print("training the rasa init reference bot...", flush=True)
    subprocess.run(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(work)],
        cwd=work,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return sorted((work / "models").glob("*.tar.gz"))[-1]
