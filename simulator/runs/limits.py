"""Batch front door, the bounds: -n, --seed, memory and disk checked before any sampling or folder (issue 14).

A batch with correlated inputs samples its whole input matrix in memory (n × inputs floats, with
the sampler's temporaries; other designs draw chunk by chunk, in memory that does not grow with
n), and results take disk in proportion to n, so both are estimated from the options and a
one-scenario trial and refused with one line *before* anything is allocated or created, instead
of ending in a MemoryError or a full disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from simulator.errors import BatchOptionError
from simulator.scenarios.schema import MAX_SEED


#: Bytes the sampler holds per input value at its peak (the matrix, its ranks and permutations).
SAMPLE_BYTES_PER_VALUE = 8 * 8

#: Bytes of one goals.csv row, about (measured: 72 for the teacup fixture, 94 for the regional model);
#: each row is on disk twice at the end of a batch: the chunk's goal rows and goals.csv.
GOAL_ROW_BYTES = 96

#: Bytes of one input value in inputs.csv, about (its shortest repr and a comma); inputs.npy holds 8.
INPUT_CSV_BYTES = 24


def check_seed(seed, where: str = "--seed") -> None:
    """Refuse a seed numpy cannot take or results.nc cannot store."""
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise BatchOptionError(f"{where} must be a whole number from 0 to {MAX_SEED} (2**63 - 1), got {seed!r}")


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _size(nbytes: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024 or unit == "TiB":
            return f"{nbytes:,.0f} {unit}" if unit == "bytes" else f"{nbytes:,.1f} {unit}"
        nbytes /= 1024
    return ""


def check_memory(n: int, n_inputs: int, where: str) -> None:
    """Refuse ``n`` scenarios whose input matrix would not fit in the memory available now."""
    need = n * max(n_inputs, 1) * SAMPLE_BYTES_PER_VALUE
    have = available_memory()
    if need > have:
        fits = max(have // (max(n_inputs, 1) * SAMPLE_BYTES_PER_VALUE), 1)
        raise BatchOptionError(f"{where}: -n {n:,} needs about {_size(need)} of memory to sample {n_inputs} inputs, "
                               f"{_size(have)} is available; use -n {fits:,} or less, or several batches with other seeds")


def check_disk(folder: Path, n: int, bytes_per_scenario: float, where: str) -> None:
    """Refuse a batch whose results would not fit on the disk that holds ``folder``.

    ``bytes_per_scenario`` is everything a scenario puts on disk (results, inputs, goal rows);
    the results store is written once, in place (nothing is merged or copied at the end).
    """
    need = int(n * bytes_per_scenario)
    probe = Path(os.path.abspath(folder))
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if need > free:
        raise BatchOptionError(f"{where}: {n:,} scenarios need about {_size(need)} of disk in {probe}, "
                               f"{_size(free)} is free; free space, choose another --out, or lower -n")


def check_batch(scenario, n, seed) -> None:
    """Seed and n as the batch will use them, and the memory to sample them (before sampling)."""
    from simulator.yamlmarks import display_path

    where = display_path(scenario.path)
    if seed is None:
        check_seed(scenario.sampling.seed, f"{where}: sampling.seed")
    else:
        check_seed(seed)
    count = scenario.sampling.n if n is None else n
    if not isinstance(count, int) or count < 1:
        raise BatchOptionError(f"{where}: the number of scenarios must be a whole number >= 1, got {count!r}")
    from simulator.scenarios.sampling import correlated

    if correlated(scenario.space):          # Iman-Conover: the whole sample at once
        check_memory(count, len(scenario.uncertain), where)


def check_results_disk(scenario, n_scenarios: int, trial, folder: Path) -> None:
    """Disk for ``n_scenarios`` results like the one-scenario ``trial`` (before the folder is created)."""
    from simulator.yamlmarks import display_path

    check_disk(folder, n_scenarios, bytes_per_scenario(scenario, trial), display_path(scenario.path))


def bytes_per_scenario(scenario, trial) -> float:
    """Disk one scenario takes, at most: its results uncompressed (the store compresses them), its
    inputs in inputs.npy and inputs.csv, its goal rows twice (chunk rows, then goals.csv)."""
    n_inputs = max(len(scenario.uncertain), 1)
    return float(trial.nbytes) / max(trial.sizes.get("scenario", 1), 1) + (8 + INPUT_CSV_BYTES) * n_inputs \
        + 2 * GOAL_ROW_BYTES * len(scenario.goals)


def _folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def still_needed(folder: Path, done: int, total: int, per_scenario: float | None = None) -> float:
    """Bytes a batch still needs to finish: the results and goal rows of the scenarios not yet run,
    goals.csv (a copy of every goal row) and inputs.csv (the input matrix as text).

    Measured on the chunks written so far (per finished scenario: their regions of the store,
    their goal rows); before the first chunk, ``per_scenario`` (the front door's estimate) stands
    in for both. Only what is still to be written counts: inputs.npy and the store's layout exist.
    """
    from simulator.runs import zarrstore

    work = Path(folder) / "_chunks"
    store = work / "results.zarr"
    regions = sum(_folder_bytes(array / "c") for array in zarrstore.scenario_arrays(store)) if store.is_dir() else 0
    parts = sum(f.stat().st_size for f in work.glob("goals-*.csv")) if work.is_dir() else 0
    npy = (work / "inputs.npy").stat().st_size if (work / "inputs.npy").is_file() else 0
    if done > 0:
        per_results, per_goals = regions / done, parts / done
    else:
        per_results, per_goals = float(per_scenario or 0.0), 0.0
    csv_inputs = npy / 8 * INPUT_CSV_BYTES                     # inputs.csv: the float64 matrix as text
    return per_results * (total - done) + per_goals * (total - done) + per_goals * total + csv_inputs


def os_error_line(err: OSError, folder: Path, done: int, total: int, per_scenario: float | None = None) -> str:
    """One line for an OS error during a batch: what, where, (disk full) how much space is needed, how to go on.

    ``done``/``total`` are scenarios; the space still needed is :func:`still_needed`.
    """
    import errno

    where = err.filename or folder
    resume = f"then finish it with: python run.py batch --resume {folder}"
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        need = still_needed(folder, done, total, per_scenario)
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = 0
        return (f"{folder}: disk full while writing {where} after {done:,} of {total:,} scenarios "
                f"({_size(free)} free, about {_size(need)} more needed); free space or move the folder, {resume}")
    return f"{folder}: cannot write {where} ({err.strerror or err}); fix that, {resume}"
