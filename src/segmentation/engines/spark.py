"""A standalone Spark cluster on loopback, started from the pyspark package (`make spark-up` / `spark-down`).

One master and `SPARK_WORKERS` workers, each a `bin/spark-class` JVM of the installed pyspark, bound to
127.0.0.1 only (RPC, web UIs, block managers and executors alike: `SPARK_LOCAL_IP` and `--host`).
Logs, pid files, worker scratch space, the Hive metastore and the table files live under
`warehouse/spark/` (git-ignored). `up` prints `export NAME=value` lines of every setting the dbt
profile's `spark` target reads, so `eval "$(make -s spark-up)"` prepares a shell; progress goes to stderr.
Both commands are idempotent: `up` on a running cluster only prints the exports, `down` on a stopped one
does nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from segmentation import PROJECT_DIR

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ClusterSettings:
    """Everything the cluster and the dbt `spark` target read, from env vars with defaults."""

    root: Path
    master_port: int
    master_webui_port: int
    worker_webui_port: int
    workers: int
    worker_cores: int
    worker_memory: str
    daemon_memory: str
    driver_memory: str
    executor_memory: str
    shuffle_partitions: int

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ClusterSettings:
        env = dict(os.environ if env is None else env)
        root = Path(env.get("SPARK_CLUSTER_DIR", str(PROJECT_DIR / "warehouse" / "spark")))
        if not root.is_absolute():
            root = PROJECT_DIR / root
        return cls(
            root=root,
            master_port=int(env.get("SPARK_MASTER_PORT", "7077")),
            master_webui_port=int(env.get("SPARK_MASTER_WEBUI_PORT", "8080")),
            worker_webui_port=int(env.get("SPARK_WORKER_WEBUI_PORT", "8081")),
            workers=int(env.get("SPARK_WORKERS", "1")),
            worker_cores=int(env.get("SPARK_WORKER_CORES", "2")),
            worker_memory=env.get("SPARK_WORKER_MEMORY", "3g"),
            daemon_memory=env.get("SPARK_DAEMON_MEMORY", "512m"),
            driver_memory=env.get("SPARK_DRIVER_MEMORY", "2g"),
            executor_memory=env.get("SPARK_EXECUTOR_MEMORY", "2g"),
            shuffle_partitions=int(env.get("SPARK_SHUFFLE_PARTITIONS", "8")),
        )

    @property
    def master_url(self) -> str:
        return f"spark://{LOOPBACK}:{self.master_port}"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pids(self) -> Path:
        return self.root / "pids"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def metastore_dir(self) -> Path:
        return self.root / "metastore"

    def exports(self) -> dict[str, str]:
        """The variables the dbt profile's `spark` target (and any pyspark client) reads."""
        return {
            "SPARK_LOCAL_IP": LOOPBACK,
            "SPARK_MASTER_URL": self.master_url,
            "SPARK_WAREHOUSE_DIR": str(self.warehouse_dir),
            "SPARK_METASTORE_DIR": str(self.metastore_dir),
            "SPARK_DRIVER_MEMORY": self.driver_memory,
            "SPARK_EXECUTOR_MEMORY": self.executor_memory,
            "SPARK_EXECUTOR_CORES": str(self.worker_cores),
            "SPARK_SHUFFLE_PARTITIONS": str(self.shuffle_partitions),
        }


def spark_home() -> Path:
    """The Spark distribution bundled in the pyspark package (holds bin/spark-class and jars/)."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def port_open(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def master_state(settings: ClusterSettings) -> dict | None:
    """The master's JSON status (alive workers, cores), or None when its web UI does not answer."""
    url = f"http://{LOOPBACK}:{settings.master_webui_port}/json/"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def is_running(settings: ClusterSettings | None = None) -> bool:
    """True when a master answers on the configured port with at least one alive worker."""
    settings = settings or ClusterSettings.from_env()
    if not port_open(settings.master_port):
        return False
    state = master_state(settings)
    return bool(state and state.get("aliveworkers", 0) > 0)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _daemon_env(settings: ClusterSettings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SPARK_HOME": str(spark_home()),
            "SPARK_LOCAL_IP": LOOPBACK,
            "SPARK_LOCAL_HOSTNAME": "localhost",
            "SPARK_LOG_DIR": str(settings.logs),
            "SPARK_PID_DIR": str(settings.pids),
            "SPARK_DAEMON_MEMORY": settings.daemon_memory,
            # Executors inherit the worker's environment: they bind to loopback too.
            "SPARK_WORKER_DIR": str(settings.root / "work"),
            # Executors clean their application folders once the application ends.
            # The master's REST submission server is not needed (dbt connects as a client application).
            "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
            "SPARK_WORKER_OPTS": "-Dspark.worker.cleanup.enabled=true -Dspark.worker.cleanup.appDataTtl=3600",
        }
    )
    return env


def _spawn(settings: ClusterSettings, name: str, args: list[str]) -> int:
    log = (settings.logs / f"{name}.log").open("ab")
    process = subprocess.Popen(
        [str(spark_home() / "bin" / "spark-class"), *args],
        env=_daemon_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=settings.root,
        start_new_session=True,
    )
    (settings.pids / f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid


def _wait(predicate, timeout: float, what: str, settings: ClusterSettings) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise RuntimeError(f"Spark {what} did not come up within {timeout:.0f} s: see the logs in {settings.logs}")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def up(settings: ClusterSettings | None = None, timeout: float = 120.0) -> bool:
    """Start the master and workers unless already running; True when this call started something."""
    settings = settings or ClusterSettings.from_env()
    folders = (settings.logs, settings.pids, settings.warehouse_dir, settings.metastore_dir, settings.root / "work")
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    started = False
    if _read_pid(settings.pids / "master.pid") is None:
        if port_open(settings.master_port):
            raise RuntimeError(
                f"port {settings.master_port} on {LOOPBACK} is taken by a process this project did not start: "
                "stop it or set SPARK_MASTER_PORT"
            )
        _log(
            f"starting the Spark master on {settings.master_url} (web UI http://{LOOPBACK}:{settings.master_webui_port})"
        )
        _spawn(
            settings,
            "master",
            [
                "org.apache.spark.deploy.master.Master",
                "--host",
                LOOPBACK,
                "--port",
                str(settings.master_port),
                "--webui-port",
                str(settings.master_webui_port),
            ],
        )
        started = True
    _wait(lambda: master_state(settings) is not None, timeout, "master", settings)
    for index in range(settings.workers):
        name = f"worker-{index + 1}"
        if _read_pid(settings.pids / f"{name}.pid") is not None:
            continue
        _log(f"starting Spark {name}: {settings.worker_cores} cores, {settings.worker_memory}")
        _spawn(
            settings,
            name,
            [
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                LOOPBACK,
                "--cores",
                str(settings.worker_cores),
                "--memory",
                settings.worker_memory,
                "--work-dir",
                str(settings.root / "work"),
                "--webui-port",
                str(settings.worker_webui_port + index),
                settings.master_url,
            ],
        )
        started = True
    _wait(
        lambda: (master_state(settings) or {}).get("aliveworkers", 0) >= settings.workers,
        timeout,
        f"workers ({settings.workers})",
        settings,
    )
    _log(f"Spark cluster up: {settings.master_url}, {settings.workers} worker(s)")
    return started


def down(settings: ClusterSettings | None = None, timeout: float = 30.0) -> None:
    """Stop the workers, then the master, that `up` started (by their recorded process ids)."""
    settings = settings or ClusterSettings.from_env()
    if not settings.pids.exists():
        return
    pid_files = [*sorted(settings.pids.glob("worker-*.pid")), settings.pids / "master.pid"]
    for pid_file in pid_files:
        pid = _read_pid(pid_file)
        if pid is not None:
            _log(f"stopping Spark {pid_file.stem} (pid {pid})")
            # Each daemon was started in its own session: its process group is its pid (spark-class and java).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)


def command(args: argparse.Namespace) -> int:
    settings = ClusterSettings.from_env()
    if args.action == "up":
        try:
            up(settings)
        except RuntimeError as error:
            _log(f"error: {error}")
            return 1
    if args.action in ("up", "env"):
        for name, value in settings.exports().items():
            print(f"export {name}={value}")
        return 0
    if args.action == "down":
        down(settings)
        return 0
    running = is_running(settings)
    _log(f"Spark cluster at {settings.master_url}: {'running' if running else 'not running'}")
    return 0 if running else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "spark",
        help="start / stop the local standalone Spark cluster of the `spark` dbt target",
        description=(
            "A standalone Spark cluster from the installed pyspark package (a master and SPARK_WORKERS "
            "workers), on 127.0.0.1 only, with logs, metastore and table files under warehouse/spark. "
            '`up` starts it (idempotent) and prints export lines (eval "$(segmentation spark up)"); `down` '
            "stops what `up` started; `status` exits 0 when a master with a worker answers; `env` prints the "
            "export lines. Settings: SPARK_MASTER_PORT (7077), SPARK_MASTER_WEBUI_PORT (8080), "
            "SPARK_WORKER_WEBUI_PORT (8081), SPARK_WORKERS (1), SPARK_WORKER_CORES (2), SPARK_WORKER_MEMORY "
            "(3g), SPARK_DRIVER_MEMORY / SPARK_EXECUTOR_MEMORY (2g), SPARK_CLUSTER_DIR (warehouse/spark)."
        ),
    )
    parser.add_argument("action", choices=["up", "down", "status", "env"])
    parser.set_defaults(handler=command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segmentation.engines.spark")
    parser.add_argument("action", choices=["up", "down", "status", "env"])
    return command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
