"""Several Rasa servers on one machine: PostgreSQL, Redis, N `rasa run`, the action server, HAProxy.

    make cluster                 # 2 servers behind http://127.0.0.1:5005 (SERVERS=3, CLUSTER_PORT=...)
    .venv/bin/python -m cluster --servers 3 --port 5005

Everything runs as ordinary foreground processes from Debian's packages, with its data, logs and
generated settings under one directory (`.cluster/` by default, git-ignored); Ctrl-C stops them
all. The Rasa servers read endpoints.cluster.yml, whose ${...} this module fills through the
environment. Passwords come from DB_PASSWORD / REDIS_PASSWORD, or are generated once per
directory and kept in its secrets.json (mode 600). The tests and the benchmark use the same
`Cluster` class.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "net-assistant.tar.gz"
ENDPOINTS = ROOT / "endpoints.cluster.yml"
DB_NAME = DB_USER = "rasa"
STARTUP_TIMEOUT = 600  # several servers load TensorFlow at once on 2 shared cores
PACKAGES_HINT = "run `make cluster-packages` (apt-get install postgresql redis-server haproxy)"
# One math thread per process unless set otherwise: numpy's BLAS and OpenMP start a thread per
# core in every process, and several processes on the same cores then fight over them (on 2
# cores, 2 servers gave 1.08x one server's throughput at 8 users; with one thread each, 1.91x).
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


class MissingPackage(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise MissingPackage(f"PostgreSQL is not installed: {PACKAGES_HINT}")
    return found[-1].parent


def program(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if not path:
        raise MissingPackage(f"{name} is not installed: {PACKAGES_HINT}")
    return path


def check_packages() -> None:
    postgres_bin(), program("redis-server"), program("haproxy")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Cluster:
    """The processes of one deployment; `start()` and `stop()` may be called again and again."""

    def __init__(
        self,
        home: Path,
        servers: int = 2,
        port: int | None = None,
        model: Path = MODEL,
        with_actions: bool = True,
        endpoints: Path = ENDPOINTS,
    ) -> None:
        check_packages()
        self.home, self.model, self.endpoints = home.resolve(), model, endpoints
        self.with_actions = with_actions
        self.logs = self.home / "logs"
        self.port = port or free_port()
        self.db_port, self.redis_port, self.action_port = free_port(), free_port(), free_port()
        self.server_ports = [free_port() for _ in range(servers)]
        self.servers: List[subprocess.Popen | None] = [None] * servers
        self.others: Dict[str, subprocess.Popen] = {}
        self.url = f"http://127.0.0.1:{self.port}"
        # postgres refuses to run as root: it runs as the `postgres` system user then
        self.db_user_id = None if os.geteuid() else "postgres"

    # --- settings ---------------------------------------------------------------------
    def secrets(self) -> Dict[str, str]:
        path = self.home / "secrets.json"
        if path.exists():
            return json.loads(path.read_text())
        values = {
            name: os.environ.get(name) or secrets.token_urlsafe(24)
            for name in ("DB_PASSWORD", "REDIS_PASSWORD")
        }
        path.touch(mode=0o600)
        path.write_text(json.dumps(values))
        return values

    @property
    def feedback_db(self) -> str:
        password = quote(self.secrets()["DB_PASSWORD"], safe="")
        return f"postgresql://{DB_USER}:{password}@127.0.0.1:{self.db_port}/{DB_NAME}"

    def env(self) -> Dict[str, str]:
        """What endpoints.cluster.yml and the action server read."""
        return dict(
            {**ONE_THREAD, **os.environ},
            RASA_TELEMETRY_ENABLED="false",
            PYTHONPATH=str(ROOT),  # channels/ and nlp/ are imported by module path
            DB_HOST="127.0.0.1",
            DB_PORT=str(self.db_port),
            DB_NAME=DB_NAME,
            DB_USER=DB_USER,
            REDIS_HOST="127.0.0.1",
            REDIS_PORT=str(self.redis_port),
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}/webhook",
            FEEDBACK_DB=self.feedback_db,
            **self.secrets(),
        )

    # --- processes --------------------------------------------------------------------
    def _spawn(self, name: str, command: List[str], **kwargs) -> subprocess.Popen:
        # a session of its own: Ctrl-C reaches only this module, which stops them in order
        with (self.logs / f"{name}.log").open("a") as log:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=self.env(),
                **kwargs,
            )

    def _as_db_user(self, path: Path) -> None:
        if self.db_user_id:
            shutil.chown(path, self.db_user_id, self.db_user_id)

    def _init_postgres(self, data: Path) -> None:
        data.mkdir(mode=0o700)
        self._as_db_user(data)
        password_file = self.home / "initdb-password"
        password_file.touch(mode=0o600)
        password_file.write_text(self.secrets()["DB_PASSWORD"])
        self._as_db_user(password_file)
        try:
            subprocess.run(
                [
                    str(postgres_bin() / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    DB_USER,
                    f"--pwfile={password_file}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=peer",
                    "-E",
                    "UTF8",
                ],
                user=self.db_user_id,
                cwd="/",
                check=True,
                capture_output=True,
            )
        finally:
            password_file.unlink()

    def _start_postgres(self) -> None:
        data = self.home / "postgres"
        if not data.exists():
            self._init_postgres(data)
        self.others["postgres"] = self._spawn(
            "postgres",
            [
                str(postgres_bin() / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.db_port),
                "-k",
                str(data),
                "-c",
                "listen_addresses=127.0.0.1",
            ],
            user=self.db_user_id,
        )

    def _create_database(self) -> None:
        import psycopg2

        password = self.secrets()["DB_PASSWORD"]
        deadline = time.monotonic() + 60
        while True:
            try:
                db = psycopg2.connect(
                    host="127.0.0.1",
                    port=self.db_port,
                    user=DB_USER,
                    password=password,
                    dbname="postgres",
                )
                break
            except psycopg2.OperationalError:
                self._check_alive("postgres", self.others["postgres"])
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        db.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with db.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
                if not cursor.fetchone():
                    cursor.execute(f"CREATE DATABASE {DB_NAME}")
        finally:
            db.close()

    def _start_redis(self) -> None:
        (self.home / "redis").mkdir(exist_ok=True)
        config = self.home / "redis.conf"
        config.touch(mode=0o600)
        # append-only file: Slack's answered event ids survive a restart of Redis too
        config.write_text(
            f'port {self.redis_port}\nbind 127.0.0.1\ndaemonize no\nsave ""\n'
            f"appendonly yes\ndir {self.home / 'redis'}\n"
            f"requirepass {self.secrets()['REDIS_PASSWORD']}\n"
        )
        self.others["redis"] = self._spawn("redis", [program("redis-server"), str(config)])

    def _start_actions(self) -> None:
        self.others["actions"] = self._spawn(
            "actions", [str(BIN / "rasa"), "run", "actions", "--port", str(self.action_port)]
        )

    def start_server(self, index: int) -> None:
        self.servers[index] = self._spawn(
            f"rasa-{index + 1}",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.server_ports[index]),
            ],
        )

    def _haproxy_config(self) -> Path:
        servers = "\n".join(
            f"  server rasa-{number} 127.0.0.1:{port}"
            for number, port in enumerate(self.server_ports, start=1)
        )
        config = self.home / "haproxy.cfg"
        # Round-robin, no stickiness: any server can answer any conversation, since the
        # trackers are in PostgreSQL and Redis orders each conversation's messages.
        # `retries`, `retry-on conn-failure` and `redispatch` move a request whose connection
        # failed (a dead server not yet marked down) to another server, at every retry; a
        # request already sent is never re-sent, so a message is not processed twice: only the
        # requests inside a dying server can fail.
        config.write_text(
            f"""global
  log stdout format raw local0
  maxconn 2000
defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 5m
  timeout server 5m
  timeout check 10s
  retries 3
  retry-on conn-failure
  option redispatch 1
frontend rasa
  bind 127.0.0.1:{self.port}
  use_backend rasa_socketio if {{ path_beg /socket.io/ }}
  default_backend rasa_servers
backend rasa_servers
  balance roundrobin
  option httpchk GET /
  http-check expect status 200
  default-server check inter 1s fall 2 rise 1
  http-response set-header X-Served-By %[srv_name]
{servers}
# socket.io's polling transport keeps state in one server process: one client, one server
backend rasa_socketio
  balance source
  option httpchk GET /
  default-server check inter 1s fall 2 rise 1
{servers}
"""
        )
        return config

    def _start_haproxy(self) -> None:
        self.others["haproxy"] = self._spawn(
            "haproxy", [program("haproxy"), "-f", str(self._haproxy_config()), "-db"]
        )

    # --- lifecycle --------------------------------------------------------------------
    def start_databases(self) -> "Cluster":
        """PostgreSQL, with the database created, and Redis: all `start()` needs first, and
        all the report's benchmark needs (benchmarks/report_volume.py)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o755)  # the postgres user must reach its data directory
        self.logs.mkdir(exist_ok=True)
        try:
            self._start_postgres()
            self._start_redis()
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    def start(self) -> "Cluster":
        self.start_databases()
        try:
            if self.with_actions:
                self._start_actions()
            for index in range(len(self.servers)):
                self.start_server(index)
            for index in range(len(self.servers)):
                self.wait_for_server(index)
            if self.with_actions:
                self._wait_for(
                    f"http://127.0.0.1:{self.action_port}/health", "actions", self.others["actions"]
                )
            self._start_haproxy()
            self._wait_for(f"{self.url}/", "haproxy", self.others["haproxy"])
        except BaseException:
            self.stop()
            raise
        return self

    def wait_for_server(self, index: int) -> None:
        process = self.servers[index]
        assert process is not None
        self._wait_for(
            f"http://127.0.0.1:{self.server_ports[index]}/", f"rasa-{index + 1}", process
        )

    def _wait_for(self, url: str, name: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            self._check_alive(name, process)
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} not up after {STARTUP_TIMEOUT}s:\n{self.log_tail(name)}")

    def _check_alive(self, name: str, process: subprocess.Popen) -> None:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{self.log_tail(name)}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"

    def kill_server(self, index: int) -> None:
        """SIGKILL: no clean-up, as when a machine or container dies."""
        process = self.servers[index]
        assert process is not None
        process.kill()
        process.wait()

    def stop_server(self, index: int) -> None:
        process = self.servers[index]
        assert process is not None
        process.terminate()
        process.wait(timeout=30)
        self.servers[index] = None

    def processes(self) -> Dict[str, subprocess.Popen]:
        running = {f"rasa-{i + 1}": p for i, p in enumerate(self.servers) if p is not None}
        return {**running, **self.others}

    def stop(self) -> None:
        """The balancer first, then the servers together, the databases last; each stage gets
        30 s to stop cleanly before it is killed."""
        stages = [
            [self.others.get("haproxy")],
            [*self.servers, self.others.get("actions")],
            [self.others.get("redis")],
            [self.others.get("postgres")],
        ]
        for stage in stages:
            running = [p for p in stage if p is not None and p.poll() is None]
            for process in running:
                # SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave
                postgres = process is self.others.get("postgres")
                process.send_signal(signal.SIGINT if postgres else signal.SIGTERM)
            deadline = time.monotonic() + 30
            for process in running:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.servers = [None] * len(self.servers)
        self.others = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5005, help="the balancer's port")
    parser.add_argument("--home", type=Path, default=ROOT / ".cluster")
    args = parser.parse_args()
    try:
        cluster = Cluster(args.home, servers=args.servers, port=args.port)
    except MissingPackage as missing:
        sys.exit(str(missing))
    # SIGTERM as Ctrl-C: the `finally` below stops every process either way
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        print(
            f"Starting {args.servers} Rasa servers (logs in {cluster.logs}); this takes minutes.",
            flush=True,
        )
        cluster.start()
        print(
            f"Up: {cluster.url}/webhooks/rest/webhook round-robin over {args.servers} servers. "
            "Ctrl-C stops everything.",
            flush=True,
        )
        while all(process.poll() is None for process in cluster.processes().values()):
            time.sleep(1)
        stopped = [name for name, p in cluster.processes().items() if p.poll() is not None]
        print(f"{', '.join(stopped)} stopped (see {cluster.logs}): stopping the rest.")
    except KeyboardInterrupt:
        print("Stopping.")
    finally:
        cluster.stop()
