"""Benchmark: this assistant against a bot made by `rasa init --no-prompt`, in the same run.

    make benchmark
    .venv/bin/python benchmarks/run.py --rounds 3 --seconds 15

Both bots run as `rasa run` servers with the same Rasa and virtual environment, the REST
channel and an SQLite tracker store of their own (this assistant with its action server and
its tracker store type, as endpoints.yml deploys it). Both get the same nine short questions. Rounds alternate between the bots
(and which goes first), so that whatever else the machine is doing falls on both: reply p50
with one person, throughput and p95 with 8 and with 32 people at once; then the cold start
(process start to first answer) and each Rasa process's resident memory. It prints each figure
for both, their ratio, and the target ratio beside it (issue 22). It asserts nothing: the
machines are noisy, and only ratios from one run compare.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import requests
from rasa.core.utils import read_endpoints_from_path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from benchmarks.load import BIN, QUESTIONS, load, train_reference  # noqa: E402
from cluster import rss_mib  # noqa: E402
from processes import base_env, free_port, start_action_server, stop, wait_for  # noqa: E402

MODEL = ROOT / "models" / "net-assistant.tar.gz"
USERS = (1, 8, 32)
# (figure, users, the better direction, target ratio this assistant / the reference)
TARGETS = [
    ("p50", 1, "lower", 1.2),
    ("rate", 8, "higher", 0.9),
    ("p95", 8, "lower", 1.2),
    ("rate", 32, "higher", None),
    ("p95", 32, "lower", None),
]


def deployed_tracker_store() -> str:
    """The tracker store type endpoints.yml names."""
    return read_endpoints_from_path(ROOT / "endpoints.yml").tracker_store.type


class Bot:
    """One `rasa run` (and, for this assistant, its action server) on free ports."""

    def __init__(self, name: str, model: Path, cwd: Path, work: Path, actions: bool, store: str):
        self.name, self.model, self.cwd, self.work = name, model, cwd, work
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.actions: subprocess.Popen | None = None
        self.server: subprocess.Popen | None = None
        endpoints = [
            f'tracker_store:\n  type: {store}\n  dialect: "sqlite"\n  db: "{work}/tracker.db"'
        ]
        if actions:
            action_port = free_port()
            self.actions = start_action_server(action_port, base_env(), work / "actions.log")
            wait_for(f"http://127.0.0.1:{action_port}/health", self.actions, work / "actions.log")
            endpoints.append(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"')
        (work / "endpoints.yml").write_text("\n".join(endpoints) + "\n")
        (work / "credentials.yml").write_text("rest:\n")

    def start(self) -> float:
        """Start the server: seconds from the process start to its first answer."""
        started = time.monotonic()
        server = self.server = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.port)]
            + ["--endpoints", str(self.work / "endpoints.yml")]
            + ["--credentials", str(self.work / "credentials.yml")],
            cwd=self.cwd,
            env=base_env(PYTHONPATH=str(ROOT)),
            stdout=(self.work / "rasa.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                reply = requests.post(
                    f"{self.url}/webhooks/rest/webhook",
                    json={"sender": "cold-start", "message": "hello"},
                    timeout=60,
                )
                if reply.status_code == 200 and reply.json():
                    return time.monotonic() - started
            except requests.ConnectionError:
                pass
            if server.poll() is not None:
                raise RuntimeError((self.work / "rasa.log").read_text()[-2000:])
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer")

    def memory(self) -> float:
        return rss_mib(self.server.pid) if self.server else float("nan")

    def stop(self) -> None:
        stop(*[p for p in (self.server, self.actions) if p])


def measure(bot: Bot, seconds: float) -> Dict[int, Dict[str, float]]:
    return {users: asyncio.run(load(bot.url, users, seconds, QUESTIONS)) for users in USERS}


def median_of(rounds: List[Dict[int, Dict[str, float]]], users: int, figure: str) -> float:
    return statistics.median(r[users][figure] for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15, help="length of each load run")
    args = parser.parse_args()
    if not MODEL.exists():
        sys.exit("No model: run `make train` first.")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    work = Path(tempfile.mkdtemp(prefix="net-benchmark-"))
    bots: List[Bot] = []
    try:
        (work / "reference").mkdir()
        reference_model = train_reference(work / "reference")
        # each with its own tracker store type: this assistant's as endpoints.yml deploys it
        # (Rasa's SQL store named through failsafe/), the rasa init bot's plain SQL
        for name, model, cwd, actions, store in [
            ("NET assistant", MODEL, ROOT, True, deployed_tracker_store()),
            ("rasa init bot", reference_model, work / "reference", False, "SQL"),
        ]:
            (work / name).mkdir()
            bots.append(Bot(name, model, cwd, work / name, actions, store))
        cold = {}
        for bot in bots:
            print(f"starting {bot.name}...", flush=True)
            cold[bot.name] = bot.start()
        rounds: Dict[str, List[Dict[int, Dict[str, float]]]] = {bot.name: [] for bot in bots}
        for number in range(args.rounds):
            for bot in bots if number % 2 == 0 else bots[::-1]:
                print(f"round {number + 1}: {bot.name}", flush=True)
                asyncio.run(load(bot.url, 2, 3, QUESTIONS))  # warm up
                rounds[bot.name].append(measure(bot, args.seconds))
        memory = {bot.name: bot.memory() for bot in bots}
    finally:
        for bot in bots:
            bot.stop()
        shutil.rmtree(work, ignore_errors=True)

    ours, theirs = (bot.name for bot in bots)
    print(
        f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; medians of {args.rounds} rounds"
    )
    print(f"{'figure':<26} {ours:>14} {theirs:>14} {'ratio':>7} {'target':>8}")
    for figure, users, better, target in TARGETS:
        a, b = median_of(rounds[ours], users, figure), median_of(rounds[theirs], users, figure)
        unit = "msg/s" if figure == "rate" else "ms"
        name = f"{'throughput' if figure == 'rate' else figure} ({unit}), {users} user{'s' * (users > 1)}"
        goal = f"{'<=' if better == 'lower' else '>='} {target:.1f}x" if target else ""
        print(f"{name:<26} {a:>14.1f} {b:>14.1f} {a / b:>6.2f}x {goal:>8}")
    a, b = cold[ours], cold[theirs]
    print(f"{'cold start (s)':<26} {a:>14.1f} {b:>14.1f} {a / b:>6.2f}x {'<= 1.0x':>8}")
    a, b = memory[ours], memory[theirs]
    print(f"{'memory, Rasa process (MiB)':<26} {a:>14.0f} {b:>14.0f} {a / b:>6.2f}x")
    for count in ("errors", "silent"):
        totals = {name: sum(r[u][count] for r in rounds[name] for u in USERS) for name in rounds}
        print(f"{'failed requests' if count == 'errors' else 'answers with no message'}: {totals}")


if __name__ == "__main__":
    main()
