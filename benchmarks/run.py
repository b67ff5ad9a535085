"""Benchmarks: how long the model takes to load and to answer, and how much memory it uses.

    make benchmark                       # the trained model in models/
    .venv/bin/python benchmarks/run.py --train   # also time a full training run

Prints figures; asserts nothing (targets belong in review, not in flaky timed tests).
Replies go through the whole agent (NLU, policies, responses) with the held-out messages;
custom actions are not called (no action server), so the walk-through is not in the figures.
"""
import argparse
import asyncio
import os
import resource
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


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_training() -> float:
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "--force", "--out",
                    str(Path("/tmp") / "net-benchmark-models")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


async def measure(rounds: int) -> None:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    start = time.perf_counter()
    agent = Agent.load(str(MODEL))
    print(f"model load: {time.perf_counter() - start:.1f} s")

    messages = [e.get("text") for e in load_data(str(MESSAGES)).intent_examples]
    await agent.parse_message("warm up")
    parse_ms = []
    for _ in range(rounds):
        for text in messages:
            t0 = time.perf_counter()
            await agent.parse_message(text)
            parse_ms.append((time.perf_counter() - t0) * 1000)
    print(f"NLU parse: {len(parse_ms)} messages, median {statistics.median(parse_ms):.1f} ms, "
          f"p95 {percentile(parse_ms, 0.95):.1f} ms")

    reply_ms = []
    for number, text in enumerate(messages):
        t0 = time.perf_counter()
        await agent.handle_text(text, sender_id=f"benchmark-{number}")
        reply_ms.append((time.perf_counter() - t0) * 1000)
    print(f"full reply (NLU + dialogue + responses): {len(reply_ms)} messages, "
          f"median {statistics.median(reply_ms):.1f} ms, p95 {percentile(reply_ms, 0.95):.1f} ms")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process, model loaded): {peak_mib:.0f} MiB")


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
    asyncio.run(measure(args.rounds))


if __name__ == "__main__":
    main()
