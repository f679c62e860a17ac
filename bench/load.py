"""The HTTP load generator: loopback clients in processes of their own, so that what is
measured is the server and not the bench process's GIL (issue #14).

`clients` keep-alive connections (httpx) are spread over `processes` processes, a thread
each; every client sends GETs one after another for `seconds`, after a warm-up. Each process
returns its latencies and errors; the rate is all answers over the common window. On a
machine of few cores the clients and the server share them: a figure says how many."""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

WARM_UP_SECONDS = 1.0


@dataclass(frozen=True)
class Load:
    base: str
    path: str
    headers: dict[str, str]
    clients: int = 8
    processes: int = 4
    seconds: float = 5.0


@dataclass(frozen=True)
class Answers:
    latencies: list[float]
    errors: int
    window: float  # seconds over which `latencies` were measured


def _client(load: Load, start: float, stop: float, answers: list[tuple[float, bool]]) -> None:
    with httpx.Client(base_url=load.base, headers=load.headers, timeout=30) as http:
        while time.time() < start:  # the warm-up: connections made, answers not counted
            http.get(load.path)
        while (began := time.time()) < stop:
            try:
                ok = http.get(load.path).status_code == 200
            except httpx.HTTPError:
                ok = False
            answers.append((time.time() - began, ok))  # list.append: one step under the GIL


def _process(load: Load, threads: int, ready: Any, begin: Any, out: Any) -> None:
    """One client process: once every process is up (`ready`, a barrier), its clients run
    over the window that starts at `begin` (the parent's clock, after a warm-up)."""
    answers: list[tuple[float, bool]] = []
    ready.wait()  # every process is up
    ready.wait()  # the parent has set `begin`
    start = begin.value
    stop = start + load.seconds
    workers = [
        threading.Thread(target=_client, args=(load, start, stop, answers)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(
        Answers([latency for latency, _ in answers], sum(not ok for _, ok in answers), load.seconds)
    )


def run(load: Load) -> Answers:
    """`load.clients` clients over `load.processes` processes (spawned: no state of the bench
    process is copied into them), measured over one common window of wall-clock time."""
    processes = max(1, min(load.processes, load.clients))
    shares = [load.clients // processes + (i < load.clients % processes) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    begin = context.Value("d", 0.0)
    out = context.Queue()
    started = [
        context.Process(target=_process, args=(load, share, ready, begin, out), daemon=True)
        for share in shares
    ]
    for process in started:
        process.start()
    ready.wait(timeout=120)  # spawning and importing take seconds on a busy machine
    begin.value = time.time() + WARM_UP_SECONDS
    ready.wait(timeout=120)
    parts = [out.get(timeout=120 + load.seconds) for _ in started]
    for process in started:
        process.join(30)
    latencies = [latency for part in parts for latency in part.latencies]
    return Answers(latencies, sum(part.errors for part in parts), load.seconds)
