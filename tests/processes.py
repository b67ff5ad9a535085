"""Starting and stopping the servers tests talk to: one free port, one way to start a process."""

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, Sequence

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
STARTUP_TIMEOUT = 240


def free_port() -> int:
    """A port nothing listens on now (other helpers' servers run on this machine too)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> Dict[str, str]:
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", **overrides)


def start(
    command: Sequence[str], env: Dict[str, str], log: Path, append: bool = False
) -> subprocess.Popen:
    return subprocess.Popen(
        list(command),
        cwd=ROOT,
        env=env,
        stdout=log.open("a" if append else "w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until `url` answers (any status below 500); fail with the log if the process exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {STARTUP_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_action_server(port: int, env: Dict[str, str], log: Path) -> subprocess.Popen:
    return start([str(VENV_BIN / "rasa"), "run", "actions", "--port", str(port)], env, log, True)
