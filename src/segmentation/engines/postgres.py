"""A local PostgreSQL cluster for the `postgres` dbt target (`make postgres-up` / `make postgres-down`).

Debian's `postgresql` package (installed with apt-get when missing and running as root), a cluster made
with `initdb` under the git-ignored `warehouse/postgres`, listening on 127.0.0.1 only (no other address,
Unix socket inside the data folder). PostgreSQL refuses to run as root, so as root the cluster belongs to
the package's `postgres` system user. `up` prints `export NAME=value` lines of libpq's own variables
(PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE): `eval "$(make -s postgres-up)"` prepares a shell in
which `dbt build --target postgres` and `psql` both work.
"""

from __future__ import annotations

import argparse
import glob
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from segmentation import PROJECT_DIR

HOST = "127.0.0.1"
DEFAULT_DATA_DIR = PROJECT_DIR / "warehouse" / "postgres"
SERVICE_USER = "postgres"


class PostgresError(RuntimeError):
    """A PostgreSQL server could not be installed, started, reached or stopped; the message says why."""


@dataclass(frozen=True)
class Settings:
    """Where the cluster lives and how clients reach it (libpq variables, with the profile's defaults)."""

    port: int = 5432
    user: str = "segmentation"
    password: str = "segmentation"
    database: str = "segmentation"
    data_dir: Path = field(default=DEFAULT_DATA_DIR)

    @classmethod
    def from_env(cls, data_dir: Path | None = None) -> Settings:
        host = os.environ.get("PGHOST", HOST)
        if host not in (HOST, "localhost"):
            raise PostgresError(
                f"PGHOST={host}: the local cluster listens on {HOST} only; unset PGHOST or set it to {HOST}."
            )
        return cls(
            port=int(os.environ.get("PGPORT", "5432")),
            user=os.environ.get("PGUSER", "segmentation"),
            password=os.environ.get("PGPASSWORD", "segmentation"),
            database=os.environ.get("PGDATABASE", "segmentation"),
            data_dir=Path(data_dir or os.environ.get("SEGMENTATION_PG_DATA", DEFAULT_DATA_DIR)).resolve(),
        )

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def env(self) -> dict[str, str]:
        return {
            "PGHOST": HOST,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
        }

    def exports(self) -> str:
        return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in self.env().items())


def log(message: str) -> None:
    """Progress on stderr: stdout carries only the export lines."""
    print(f"postgres: {message}", file=sys.stderr, flush=True)


def bin_dir(install: bool = True) -> Path:
    """The newest installed PostgreSQL server's bin folder; apt-get installs `postgresql` if none (root)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    if not install:
        raise PostgresError("PostgreSQL is not installed: run `make postgres-up` (apt-get install -y postgresql).")
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresError("PostgreSQL is not installed: install Debian's package (apt-get install -y postgresql).")
    log("installing Debian's postgresql package (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresError(f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return bin_dir(install=False)


def as_service_user(command: list[str]) -> list[str]:
    """The command run as the cluster's owner: the `postgres` user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVICE_USER, "--", *command]


def give_to_service_user(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, SERVICE_USER, SERVICE_USER)


def run(command: list[str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PostgresError(f"{what} failed (`{' '.join(command)}`):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def running_port(settings: Settings) -> int | None:
    """The port of the cluster's running server (from postmaster.pid), or None when it is not running."""
    pid_file = settings.cluster_dir / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    try:
        os.kill(int(lines[0]), 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return None
    return int(lines[3]) if len(lines) > 3 else None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) == 0


def init_cluster(settings: Settings, binaries: Path) -> None:
    log(f"initdb {settings.cluster_dir}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    give_to_service_user(settings.data_dir)
    with tempfile.NamedTemporaryFile("w", dir=settings.data_dir, delete=False) as handle:
        handle.write(settings.password + "\n")
        password_file = Path(handle.name)
    give_to_service_user(password_file)
    try:
        run(
            as_service_user(
                [
                    str(binaries / "initdb"),
                    "--pgdata",
                    str(settings.cluster_dir),
                    "--username",
                    settings.user,
                    "--pwfile",
                    str(password_file),
                    "--auth",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C.UTF-8",
                ]
            ),
            "initdb",
        )
    finally:
        password_file.unlink(missing_ok=True)


def start_server(settings: Settings, binaries: Path) -> None:
    if port_in_use(settings.port):
        raise PostgresError(
            f"port {settings.port} on {HOST} is taken by another server: set PGPORT to a free port "
            f"(e.g. PGPORT=55432 make postgres-up) or stop that server."
        )
    log(f"starting the server on {HOST}:{settings.port} (log {settings.log_file})")
    options = " ".join(
        [
            f"-c listen_addresses={HOST}",
            f"-c port={settings.port}",
            f"-c unix_socket_directories={settings.cluster_dir}",
            # a disposable development cluster: durability traded for speed
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
        ]
    )
    if not settings.log_file.exists():
        settings.log_file.touch()
        give_to_service_user(settings.log_file)
    run(
        as_service_user(
            [
                str(binaries / "pg_ctl"),
                "--pgdata",
                str(settings.cluster_dir),
                "--log",
                str(settings.log_file),
                "--options",
                options,
                "--wait",
                "--timeout",
                "60",
                "start",
            ]
        ),
        "pg_ctl start",
    )


def connect(settings: Settings, database: str | None = None):
    import psycopg2

    return psycopg2.connect(
        host=HOST,
        port=settings.port,
        user=settings.user,
        password=settings.password,
        dbname=database or settings.database,
        connect_timeout=5,
    )


def create_database(settings: Settings, name: str) -> None:
    """Create database `name` unless it exists."""
    connection = connect(settings, "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'create database "{name}"')
    finally:
        connection.close()


def drop_database(settings: Settings, name: str) -> None:
    connection = connect(settings, "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'drop database if exists "{name}" with (force)')
    finally:
        connection.close()


def up(settings: Settings) -> Settings:
    """Install (when missing), initialise (once) and start (when stopped) the cluster; idempotent."""
    binaries = bin_dir()
    if not (settings.cluster_dir / "PG_VERSION").exists():
        init_cluster(settings, binaries)
    port = running_port(settings)
    if port is None:
        start_server(settings, binaries)
    elif port != settings.port:
        log(f"already running on port {port} (not {settings.port}): using it")
        settings = Settings(port, settings.user, settings.password, settings.database, settings.data_dir)
    else:
        log(f"already running on {HOST}:{port}")
    create_database(settings, settings.database)
    return settings


def down(settings: Settings) -> None:
    """Stop the cluster's server if it runs; idempotent (the data folder is kept)."""
    if running_port(settings) is None:
        log("not running")
        return
    run(
        as_service_user(
            [
                str(bin_dir(install=False) / "pg_ctl"),
                "--pgdata",
                str(settings.cluster_dir),
                "--mode",
                "fast",
                "--wait",
                "stop",
            ]
        ),
        "pg_ctl stop",
    )
    log("stopped")


def check_reachable(settings: Settings) -> None:
    """Raise PostgresError naming the server and the command that starts it when it cannot be reached."""
    try:
        connect(settings).close()
    except Exception as error:  # psycopg2.OperationalError and friends
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PostgresError(
            f"PostgreSQL at {HOST}:{settings.port} (database {settings.database}, user {settings.user}) "
            f'is not reachable: {first_line}. Start it with `eval "$(make -s postgres-up)"`.'
        ) from error


def command(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        if args.action == "up":
            settings = up(settings)
            print(settings.exports(), end="")
        elif args.action == "down":
            down(settings)
        elif args.action == "env":
            print(settings.exports(), end="")
        else:
            check_reachable(settings)
            log(f"reachable at {HOST}:{settings.port}, database {settings.database}")
    except PostgresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "postgres",
        help="start / stop the local PostgreSQL cluster of the `postgres` dbt target",
        description=(
            "A local PostgreSQL cluster under warehouse/postgres, on 127.0.0.1 only. `up` installs Debian's "
            "postgresql package if missing, runs initdb once, starts the server and prints export lines "
            '(eval "$(segmentation postgres up)"); `down` stops it; `status` checks it can be reached; `env` '
            "prints the export lines. Settings: PGPORT (5432), PGUSER, PGPASSWORD, PGDATABASE "
            "(segmentation), SEGMENTATION_PG_DATA (warehouse/postgres)."
        ),
    )
    parser.add_argument("action", choices=["up", "down", "status", "env"])
    parser.set_defaults(handler=command)
