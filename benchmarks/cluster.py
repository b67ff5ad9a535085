"""Benchmark: one Rasa server against N behind HAProxy, with a `rasa init` bot as the reference.

    make benchmark-cluster             # SERVERS=2 by default
    .venv/bin/python benchmarks/cluster.py --servers 3 --seconds 30

For each bot (this assistant, then the reference trained by `rasa init` in a temporary
directory) one cluster is started (cluster/: PostgreSQL, Redis, the servers, HAProxy),
loaded by 8 and then 32 simulated users with N servers, then with all but one server stopped
(the balancer routes around them, as in production). Each user holds a conversation of
CONVERSATION_LENGTH messages, waiting for each reply, then starts a new one. Then it prints
throughput (answered messages per second) and p50/p95 latency, the N/1 ratio, the cold start
of one server (process start to first answer) and each process's resident memory.

Prints figures; asserts nothing. The load generator runs on the same machine and takes its
share of the CPU, as does anything else running: compare figures from one run only.
"""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import QUESTIONS, load, train_reference  # noqa: E402
from cluster import MODEL, Cluster, MissingPackage, rss_mib  # noqa: E402

USERS = (8, 32)
ASSISTANT_MESSAGES = QUESTIONS[:6]
REFERENCE_MESSAGES = ["hello", "I am sad", "yes", "great", "are you a bot?", "bye"]


def measure_loads(url: str, seconds: float, messages: List[str]) -> Dict[int, Dict[str, float]]:
    asyncio.run(load(url, 4, min(5.0, seconds), messages))  # warm every server up
    return {users: asyncio.run(load(url, users, seconds, messages)) for users in USERS}


def cold_start(cluster: Cluster) -> float:
    """Server 1 stopped and started again: seconds from its process start to its first answer."""
    cluster.stop_server(0)
    started = time.monotonic()
    cluster.start_server(0)
    cluster.wait_for_server(0)
    reply = requests.post(
        f"http://127.0.0.1:{cluster.server_ports[0]}/webhooks/rest/webhook",
        json={"sender": "cold-start", "message": "hello"},
        timeout=120,
    )
    reply.raise_for_status()
    return time.monotonic() - started


def bench_bot(
    name: str, model: Path, servers: int, seconds: float, messages: List[str], with_actions: bool
) -> Tuple[Dict, Dict, float, Dict[str, float]]:
    home = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / ".cluster"))
    cluster = Cluster(home, servers=servers, model=model, with_actions=with_actions)
    try:
        print(f"{name}: starting {servers} servers...", flush=True)
        cluster.start()
        many = measure_loads(cluster.url, seconds, messages)
        memory = {label: rss_mib(p.pid) for label, p in cluster.processes().items()}
        for index in range(1, servers):
            cluster.stop_server(index)
        time.sleep(3)  # the balancer's health checks mark the stopped servers down
        one = measure_loads(cluster.url, seconds, messages)
        print(f"{name}: measuring cold start...", flush=True)
        return one, many, cold_start(cluster), memory
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


def report(name: str, servers: int, one: Dict, many: Dict, cold: float, memory: Dict) -> None:
    print(f"\n== {name}")
    print(f"{'users':>5} {'servers':>7} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for users in USERS:
        for count, figures in ((1, one[users]), (servers, many[users])):
            print(
                f"{users:>5} {count:>7} {figures['rate']:>7.1f} {figures['p50']:>7.0f} "
                f"{figures['p95']:>7.0f} {figures['errors']:>6}"
            )
        ratio = many[users]["rate"] / one[users]["rate"]
        print(f"      throughput {servers} servers / 1 server at {users} users: {ratio:.2f}x")
    print(f"cold start, one server (process start to first answer): {cold:.0f} s")
    print(
        f"resident memory with {servers} servers: "
        + ", ".join(f"{label} {mib:.0f} MiB" for label, mib in memory.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20, help="length of each load run")
    args = parser.parse_args()
    if not MODEL.exists():
        sys.exit("No model: run `make train` first.")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    (ROOT / ".cluster").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rasa-init-"))
    try:
        reference = train_reference(work)
        results = [
            (
                "NET assistant",
                bench_bot("assistant", MODEL, args.servers, args.seconds, ASSISTANT_MESSAGES, True),
            ),
            (
                "rasa init bot (reference)",
                bench_bot(
                    "reference", reference, args.servers, args.seconds, REFERENCE_MESSAGES, False
                ),
            ),
        ]
    except MissingPackage as missing:
        sys.exit(str(missing))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{os.cpu_count()} CPUs; load average now {os.getloadavg()[0]:.1f} (other work skews the figures)"
    )
    for name, figures in results:
        report(name, args.servers, *figures)


if __name__ == "__main__":
    main()
