"""Run one benchmark step in a fresh subprocess and measure wall time, CPU time and peak memory.

Peak memory is the largest sum of the resident set sizes of the step's whole process tree (dbt and its
threads, or a Python worker), sampled every `interval` seconds with psutil. (The maxrss the kernel
reports for the child is not used: it keeps the high-water mark of the parent's memory the child was
forked from.) A watchdog stops the tree when it goes over a memory budget, so a step that cannot fit
(pandas at 100M lines) is recorded as failed instead of pushing other users' processes out of memory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

MB = 1024 * 1024


@dataclass
class Measurement:
    """What one run of a step cost."""

    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    returncode: int
    status: str  # ok | failed | out_of_memory_budget | timeout
    output_tail: str = ""
    extra: dict[str, object] = field(default_factory=dict)


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float, budget_mb: float | None, on_over_budget: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.budget_mb = budget_mb
        self.on_over_budget = on_over_budget
        self.peak_bytes = 0
        self.over_budget = False
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._halt.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for process in processes:
                try:
                    total += process.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
            self.peak_bytes = max(self.peak_bytes, total)
            if self.budget_mb is not None and total / MB > self.budget_mb and not self.over_budget:
                self.over_budget = True
                self.on_over_budget()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()


def _kill_tree(pid: int) -> None:
    """Stop a process group we started (the step runs in its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    budget_mb: float | None = None,
    timeout_s: float | None = None,
    interval: float = 0.05,
    progress: Callable[[str], None] | None = None,
    heartbeat_s: float = 30.0,
) -> Measurement:
    """Run `command` in its own process group; wall time, CPU time and peak RSS of its process tree."""
    log_handle = log_path.open("w") if log_path is not None else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=log_handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sampler = _TreeSampler(process.pid, interval, budget_mb, lambda: _kill_tree(process.pid))
    sampler.start()
    timed_out = False
    rusage = None
    status_code = 0
    next_heartbeat = started + heartbeat_s
    while True:
        pid, status_code, rusage = os.wait4(process.pid, os.WNOHANG)
        if pid != 0:
            break
        now = time.perf_counter()
        if timeout_s is not None and now - started > timeout_s:
            timed_out = True
            _kill_tree(process.pid)
        if progress is not None and now >= next_heartbeat:
            progress(f"    ... {now - started:,.0f} s, peak RSS so far {sampler.peak_bytes / MB:,.0f} MB")
            next_heartbeat = now + heartbeat_s
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    sampler.stop()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status_code)
    if log_path is not None and not isinstance(log_handle, int):
        log_handle.close()
    cpu = (rusage.ru_utime + rusage.ru_stime) if rusage else 0.0
    if sampler.over_budget:
        status = "out_of_memory_budget"
    elif timed_out:
        status = "timeout"
    elif process.returncode != 0:
        status = "failed"
    else:
        status = "ok"
    tail = ""
    if log_path is not None and status != "ok":
        tail = log_path.read_text(errors="replace")[-3000:]
    return Measurement(
        seconds=seconds,
        peak_rss_mb=sampler.peak_bytes / MB,
        cpu_seconds=cpu,
        returncode=process.returncode,
        status=status,
        output_tail=tail,
    )
