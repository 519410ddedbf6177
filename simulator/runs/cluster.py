"""Batch → Dask: run a job's chunks as tasks on a ``dask.distributed`` cluster (``--scheduler``).

``--scheduler tcp://HOST:PORT`` connects to a running ``dask scheduler``; ``--scheduler local:N``
starts a ``LocalCluster`` of N worker processes on the loopback interface for this batch only.
Every chunk is one task, ``run_chunk_task(spec, index)``: the worker builds a
:class:`~simulator.runs.chunks.ChunkRunner` once per batch (scenario loaded, model compiled —
cached in the worker process), runs the chunk and writes its files into the run folder itself;
only the chunk index travels back, and the client records it (manifest, progress bar).

A worker that dies mid-chunk leaves no committed chunk files (they are renamed into place), and
the scheduler re-runs its tasks on another worker (Dask's ``allowed-failures``; each task also
gets ``retries``). Chunk results do not depend on which worker ran them, so the run folder is the
same as a local run's. Local workers are Dask's own processes: they exit when the client process
dies, even by SIGKILL (Dask keeps a pipe from parent to child and exits the child when it closes).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from simulator.errors import BatchOptionError

#: Extra attempts per chunk task on top of Dask's re-scheduling after a worker's death.
TASK_RETRIES = 2

_LOCAL = re.compile(r"^local:(\d+)$")

#: The worker process's cached runner: ``{"key": batch key, "runner": ChunkRunner}`` (one batch at a time).
_CACHE: dict = {}


def parse_scheduler(text: str) -> tuple[str, object]:
    """``"local:N"`` → ``("local", N)``; ``"tcp://host:port"`` (or tls://, ws://…) → ``("address", text)``.

    Raises
    ------
    BatchOptionError
        Anything else, with the two accepted forms.
    """
    text = str(text).strip()
    match = _LOCAL.match(text)
    if match and int(match.group(1)) >= 1:
        return "local", int(match.group(1))
    if re.match(r"^(tcp|tls|ws|wss|inproc)://\S+$", text):
        return "address", text
    raise BatchOptionError(f"--scheduler {text!r}: give tcp://HOST:PORT (a running `dask scheduler`) "
                           f"or local:N (N >= 1 local worker processes)")


def cap_to_cpus(workers: int, what: str, note: Callable[[str], None]) -> int:
    """``workers``, or the CPU count when it is larger (saying so in one line through ``note``)."""
    cpus = os.cpu_count() or 1
    if workers > cpus:
        note(f"note: {what} capped at {cpus}, the number of CPUs of this machine")
        return cpus
    return workers


@contextmanager
def connect(scheduler: str, note: Callable[[str], None]) -> Iterator:
    """A ``distributed.Client`` for ``scheduler``; a local cluster is closed on exit.

    Raises
    ------
    BatchOptionError
        Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchOptionError("--scheduler needs dask.distributed: pip install 'plansim[cluster]'") from None
    kind, value = parse_scheduler(scheduler)
    if kind == "local":
        n = cap_to_cpus(int(value), f"--scheduler local:{value}", note)
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(value, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise BatchOptionError(f"--scheduler {value}: cannot reach the Dask scheduler ({err}); "
                               f"start one with `dask scheduler` and give its address") from None
    with client:
        yield client


def run_chunk_task(spec: tuple, index: int) -> int:
    """Run and write chunk ``index`` in a Dask worker; the runner is built once per batch and cached."""
    from simulator.runs.chunks import build_runner

    key = spec[0]
    if _CACHE.get("key") != key:
        _CACHE.clear()
        _CACHE.update(key=key, runner=build_runner(*spec[1:]))
    return _CACHE["runner"](index)


def run_chunks_on_cluster(job, folder, columns: list, attrs: dict, todo: list[int], scheduler: str,
                          record: Callable[[int], None], note: Callable[[str], None]) -> None:
    """Submit one task per chunk in ``todo`` and call ``record(index)`` as each one finishes.

    The tasks carry ``(batch key, *build_runner arguments)``; the batch key (new for every run or
    resume) names the tasks and the workers' cached runner.
    """
    from distributed import as_completed

    spec = (uuid.uuid4().hex, str(Path(job.scenario.path).resolve()), str(Path(folder.path).resolve()), columns,
            job.outputs, [g.id for g in job.goals], attrs, job.bounds)

    with connect(scheduler, note) as client:
        futures = [client.submit(run_chunk_task, spec, index, key=f"plansim-{spec[0]}-chunk-{index}",
                                 pure=False, retries=TASK_RETRIES) for index in todo]
        try:
            for future in as_completed(futures):
                record(future.result())
        except BaseException:
            client.cancel(futures)
            raise
