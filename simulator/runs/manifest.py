"""Batch, the manifest: what a run folder records about its batch (files and hashes, versions, options, times).

``manifest.json`` (docs/interfaces.md §4) is written by ``batch.py`` through ``runstore.RunFolder``;
its ``seed``/hash entries are also copied into ``results.nc``'s attributes.
"""

from __future__ import annotations

import hashlib
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("plansim", "numpy", "scipy", "pandas", "xarray", "netCDF4", "pysd"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_manifest(job, workers: int, command: str) -> dict:
    sc = job.scenario
    scenario_path = Path(sc.path).resolve()
    files = [{"path": str(Path(p).resolve()), "sha256": digest} for p, digest in sc.files]
    own = next((f["sha256"] for f in files if f["path"] == str(scenario_path)), sha256_of(scenario_path))
    plan_path = plan_path_of(sc)
    return {
        "plansim_version": versions()["plansim"],
        "command": command,
        "versions": versions(),
        "scenario": sc.name,
        "region": sc.region,
        "scenario_path": str(scenario_path),
        "scenario_sha256": own,
        "scenario_files": files,
        "model_path": str(Path(sc.model_path).resolve()),
        "model_sha256": sha256_of(sc.model_path),
        "plan_path": str(plan_path) if plan_path else None,
        "plan_sha256": sha256_of(plan_path) if plan_path else None,
        "n": job.n,
        "seed": None if job.seed is None else int(job.seed),
        "sampling": sc.sampling.method,
        "method": sc.method,
        "time": sc.time,
        "inputs": job.columns,
        "outputs": job.outputs,
        "stored": {"years": None if sc.output_form.years is None else list(sc.output_form.years),
                   "precision": sc.output_form.precision},
        "goal_ids": [g.id for g in job.goals],
        "chunk_size": job.chunk_size,
        "n_chunks": len(job.bounds),
        "chunks_done": [],
        "workers": workers,
        "started": now(),
        "finished": None,
        "status_counts": None,
        "complete": False,
    }


def plan_path_of(scenario) -> Path | None:
    plan = scenario.plan
    if plan is None:
        return None
    path = getattr(plan, "path", None)
    return Path(path).resolve() if path else None


def results_attrs(manifest: dict) -> dict:
    keys = ("seed", "n", "sampling", "model_sha256", "scenario_sha256", "plan_sha256",
            "plansim_version", "scenario", "region")
    return {k: ("" if manifest.get(k) is None else manifest[k]) for k in keys}
