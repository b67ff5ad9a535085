"""Shared fixtures. The model is trained once per session (by `make test`, or here if missing)."""

import asyncio
import fcntl
import logging
import os
import subprocess
from pathlib import Path

import pytest
import structlog

from conversations import Talker
from processes import base_env, free_port, start_action_server, stop, wait_for
from support import MODEL, REPORT, RESULTS, ROOT

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Rasa logs every parsed message through structlog, which prints everything until configured
# (the CLI does it, the Agent does not). Warnings only: no test message reaches the output, and
# a failing test's captured output can never show a sealed message.
structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def pytest_sessionfinish(session) -> None:
    # under pytest-xdist (make test), a worker's figures go to the controller, which prints them
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["report"] = REPORT


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    REPORT.extend(getattr(node, "workeroutput", {}).get("report", []))


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT:
        terminalreporter.section("assistant figures")
        for line in REPORT:
            terminalreporter.write_line(line)


# Fixtures that need a trained model: tests using one are marked `needs_model`, so
# `make test-actions` (-m "not needs_model") runs the rest in seconds.
MODEL_FIXTURES = {"model_path", "agent", "servers", "talker"}


# pytest-xdist (make test: --dist loadfile --no-loadscope-reorder) hands whole files to its
# workers in the order collected: the longest go first, so that no worker is left alone with
# one of them at the end. (By default it would order files by their number of tests.)
LONGEST_FIRST = (
    "test_sealed.py",
    "test_cluster.py",
    "test_bad_input.py",
    "test_shell.py",
    "test_dev_set.py",
    "test_conversations.py",
)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.needs_model)
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))


@pytest.fixture(scope="session")
def model_path() -> Path:
    # NET_ASSISTANT_MODEL: test a model trained elsewhere, without touching models/.
    if os.environ.get("NET_ASSISTANT_MODEL"):
        return Path(os.environ["NET_ASSISTANT_MODEL"])
    # `make train` is a no-op when the model is up to date, so this trains at most once; the
    # lock keeps pytest-xdist's workers from training side by side.
    with open(MODEL.parent / ".training.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "--no-print-directory", "train"], cwd=ROOT, check=True)
    return MODEL


@pytest.fixture(scope="session")
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def agent(model_path: Path, event_loop):
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


@pytest.fixture(scope="session")
def talker(model_path: Path, event_loop, tmp_path_factory):
    """Whole conversations through the model and the real action server (tests/conversations.py)."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from failsafe import action_results

    action_results.install()  # as the server has it (failsafe.tracker_store)
    work = tmp_path_factory.mktemp("talker")
    port, log = free_port(), work / "actions.log"
    env = base_env(FEEDBACK_DB=str(work / "feedback.db"))
    actions = start_action_server(port, env, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", actions, log)
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        agent = Agent.load(str(model_path), action_endpoint=endpoint)
        yield Talker(agent, event_loop)
    finally:
        stop(actions)
