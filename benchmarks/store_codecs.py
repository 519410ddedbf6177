"""Benchmark of the results store's form: bytes and write time of one chunk per codec, dtype and kept years.

Runs one chunk of N scenarios of a scenario file (default the Jizhou regional scenario), then
writes its per-scenario float arrays into a fresh Zarr v3 store once per variant (Blosc zstd
levels, shuffle or bitshuffle, lz4; float64 or float32; every saved year or three) and prints
MiB, seconds and the size extrapolated to 10⁶ scenarios. Figures in docs/batch.md.

Usage::

    python benchmarks/store_codecs.py scenarios/jizhou/baseline_uncertain.yaml 10000
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import zarr
    from zarr.codecs import BloscCodec

    from simulator.runs.chunks import model_of, run_chunk_dataset
    from simulator.runs.inputs import scenario_rows
    from simulator.scenarios.scenario import load_scenario

    path = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "scenarios" / "jizhou" / "baseline_uncertain.yaml")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    scenario = load_scenario(path)
    rows = scenario_rows(scenario, n, 1)
    ds = run_chunk_dataset(model_of(scenario), scenario, pd.DataFrame(rows.rows(0, n), columns=rows.columns),
                           scenario.outputs, 0, 1)
    arrays = {k: np.asarray(v.values) for k, v in ds.data_vars.items() if "scenario" in v.dims and v.dtype.kind == "f"}
    print(f"{path}: {n:,} scenarios, {ds.sizes.get('time')} saved times, {len(arrays)} arrays, "
          f"{sum(a.nbytes for a in arrays.values()) / 2**20:.1f} MiB raw float64")

    def measure(label, cname, clevel, shuffle, dtype=None, years=None):
        scratch = Path(tempfile.mkdtemp())
        group = zarr.open_group(str(scratch / "s.zarr"), mode="w-", zarr_format=3)
        start = time.perf_counter()
        for name, values in arrays.items():
            if years is not None and "time" in ds[name].dims:
                index = [int(np.argmin(np.abs(ds["time"].values - y))) for y in years]
                values = np.take(values, index, axis=ds[name].dims.index("time"))
            values = values.astype(dtype) if dtype else values
            array = group.create_array(name, shape=values.shape, chunks=values.shape, dtype=values.dtype,
                                       compressors=BloscCodec(cname=cname, clevel=clevel, shuffle=shuffle),
                                       fill_value=np.nan)
            array[...] = values
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())
        shutil.rmtree(scratch)
        print(f"{label:42s} {size / 2**20:8.2f} MiB  {seconds:6.2f} s  -> 10^6: {size / n * 1e6 / 2**30:6.2f} GiB")

    for level in (1, 3, 5):
        for shuffle in ("shuffle", "bitshuffle"):
            measure(f"float64 zstd-{level} {shuffle}", "zstd", level, shuffle)
    measure("float64 lz4 shuffle", "lz4", 5, "shuffle")
    for level in (1, 3):
        for shuffle in ("shuffle", "bitshuffle"):
            measure(f"float32 zstd-{level} {shuffle}", "zstd", level, shuffle, "float32")
    measure("float64 zstd-1 shuffle, years 2025 2030 2035", "zstd", 1, "shuffle", None, [2025, 2030, 2035])
    measure("float32 zstd-1 shuffle, years 2025 2030 2035", "zstd", 1, "shuffle", "float32", [2025, 2030, 2035])


if __name__ == "__main__":
    main()
