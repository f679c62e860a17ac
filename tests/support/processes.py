"""Real processes for the end-to-end and fault tests: the `begroting` command line run to
completion, `begroting serve` answering on a free loopback port, the auditor kit's
verify.py, and the databases they work on (a SQLite file, or a PostgreSQL database of its
own: the processes take no schema setting)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from api.ledger import open_ledger
from support import tampering
from support.clock import Clock
from support.ledgers import POSTGRES_URL, require_postgres

BEGROTING = Path(sys.executable).parent / "begroting"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


# -- the command line ------------------------------------------------------------------


# What would make the command line's tables differ from one terminal to the next (ADR 0023):
# without them a process writing to a pipe prints 80 columns, uncoloured.
TERMINAL = ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def clean_environment() -> dict[str, str]:
    """The caller's environment without any BEGROTING_* setting that could leak in, nor the
    terminal's size and colour settings."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith("BEGROTING_") and k not in TERMINAL
    }


def begroting(
    *args: str,
    cwd: Path,
    settings: Mapping[str, str] | None = None,
    module: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the `begroting` console script to completion, the way a user would, in a clean
    environment plus `settings`; with `module`, as `python -m api.cli` instead."""
    command = [sys.executable, "-m", "api.cli"] if module else [str(BEGROTING)]
    try:
        return subprocess.run(
            [*command, *args],
            cwd=cwd,
            env=clean_environment() | dict(settings or {}),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"begroting {' '.join(args)} still ran after {timeout} s: {expired.output!r}")


def verifier(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The kit's verify.py in isolated mode without site-packages: the standard library only."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(directory / "verify.py"), str(directory), *args],
        cwd=directory,
        env={},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


# -- a served process ------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on now: the kernel's pick for a socket bound to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Server:
    """A `begroting serve` process: where it answers and what it printed."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it has not exited in time; its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        return self.process.returncode


def _start(db: str, flags: tuple[str, ...], cwd: Path) -> Server:
    # Output goes to a file, never a pipe: a pipe nobody reads fills up with access log
    # lines and stalls the server mid-test.
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BEGROTING), "serve", "--db", db, "--port", str(port), *flags],
            cwd=cwd,
            env=clean_environment(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def _healthy(server: Server) -> bool:
    """True once the health endpoint answers, False if the process exited first."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    pytest.fail(f"begroting serve did not answer within {STARTUP_TIMEOUT} s:\n{server.output()}")


def start_server(db: str, *flags: str, cwd: Path) -> Server:
    """`begroting serve --db DB --port <free port> FLAGS`, answering; the caller stops it."""
    for _ in range(3):  # another process may take the free port before the server binds it
        server = _start(db, flags, cwd)
        if _healthy(server):
            return server
        if "address already in use" not in server.output():
            pytest.fail(
                f"begroting serve exited with {server.process.returncode} before it answered:\n"
                + server.output()
            )
    pytest.fail(f"begroting serve found no free port:\n{server.output()}")


@contextmanager
def serving(db: str, *flags: str, cwd: Path) -> Iterator[Server]:
    """`start_server`, stopped afterwards."""
    server = start_server(db, *flags, cwd=cwd)
    try:
        yield server
    finally:
        server.stop()


# -- the databases they work on --------------------------------------------------------


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards. (The processes take
    no schema, so a database of its own is what isolates them.)"""
    require_postgres()
    name = f"e2e_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL database of its own."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/x.db"
        return
    with fresh_postgres_database() as url:
        yield url


def on_engine(db: str, *steps: Callable[[Any], None]) -> None:
    """Each step on the engine of the database, opened in this process and closed after."""
    ledger = open_ledger(db, clock=Clock().now)
    try:
        for step in steps:
            step(ledger.engine)
    finally:
        ledger.close()


def tamper(db: str, *steps: Callable[[Any], None]) -> None:
    """The log's append-only guards dropped, then each step, on the engine of the database."""
    on_engine(db, tampering.drop_guards, *steps)
