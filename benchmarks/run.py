"""Benchmarks: how long the model takes to load and to answer, and how much memory it uses.

    make benchmark                       # the trained model in models/
    .venv/bin/python benchmarks/run.py --train   # also time a full training run

Prints figures; asserts nothing (targets belong in review, not in flaky timed tests).
Replies go through the whole agent (NLU, policies, responses, and the action server it starts
on a free port) with the held-out messages, one conversation each, then through a whole
walk-through conversation.
"""

import argparse
import asyncio
import logging
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "net-assistant.tar.gz"
MESSAGES = ROOT / "tests" / "nlu_holdout.yml"
# one factor per turn (the third answer brings the explanation), then a refinement
WALKTHROUGH = [
    "what are my mom's options? it's a NET in her pancreas",
    "it makes hormones",
    "it spread to the liver",
    '/refine_options{"fully_removable":"no"}',
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_training() -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "rasa"),
            "train",
            "--force",
            "--out",
            str(Path("/tmp") / "net-benchmark-models"),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def start_action_server() -> "tuple[subprocess.Popen, str]":
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "rasa"), "run", "actions", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import requests

    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return server, f"http://127.0.0.1:{port}/webhook"
        except requests.ConnectionError:
            time.sleep(1)
    server.kill()
    sys.exit("The action server did not start.")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(rounds: int, action_url: str) -> None:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    # the figures, not Rasa's per-message debug log
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    start = time.perf_counter()
    agent = Agent.load(str(MODEL), action_endpoint=EndpointConfig(action_url))
    print(f"model load: {time.perf_counter() - start:.1f} s")

    messages = [e.get("text") for e in load_data(str(MESSAGES)).intent_examples]
    await agent.parse_message("warm up")
    parse_ms = []
    for _ in range(rounds):
        for text in messages:
            t0 = time.perf_counter()
            await agent.parse_message(text)
            parse_ms.append((time.perf_counter() - t0) * 1000)
    print(
        f"NLU parse: {len(parse_ms)} messages, median {statistics.median(parse_ms):.1f} ms, "
        f"p95 {percentile(parse_ms, 0.95):.1f} ms"
    )

    reply_ms = []
    for number, text in enumerate(messages):
        t0 = time.perf_counter()
        await agent.handle_text(text, sender_id=f"benchmark-{number}")
        reply_ms.append((time.perf_counter() - t0) * 1000)
    print(
        f"full reply (NLU + dialogue + responses): {len(reply_ms)} messages, "
        f"median {statistics.median(reply_ms):.1f} ms, p95 {percentile(reply_ms, 0.95):.1f} ms"
    )

    walk_ms = []
    for text in WALKTHROUGH:
        t0 = time.perf_counter()
        await agent.handle_text(text, sender_id="benchmark-walkthrough")
        walk_ms.append((time.perf_counter() - t0) * 1000)
    print(
        "walk-through turns (with the action server): "
        + ", ".join(f"{ms:.0f}" for ms in walk_ms)
        + " ms"
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory, Rasa with the model loaded: {peak_mib:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train`")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the messages for NLU")
    args = parser.parse_args()
    if args.train:
        print(f"training: {time_training():.0f} s")
    if not MODEL.exists():
        sys.exit("No model: run `make train` first.")
    print(f"model file: {MODEL.stat().st_size / 2**20:.1f} MiB")
    server, action_url = start_action_server()
    try:
        asyncio.run(measure(args.rounds, action_url))
        print(f"peak memory, action server: {peak_rss_mib(server.pid):.0f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
