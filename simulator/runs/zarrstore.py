"""Batch → disk, the results store: ``results.zarr`` (Zarr v3, Blosc zstd + byte shuffle), one region per chunk.

Used only through ``simulator.runs.runstore.RunFolder`` (the one run-folder contract).

The store is laid out before the first chunk runs, from a one-scenario template (the front door's
trial run): every variable with a ``scenario`` dimension is an array of ``n`` scenarios split into
Zarr chunks of exactly the batch's chunk size, so batch chunk ``k`` is Zarr chunk ``k`` of every
array — processes on any machine can write their chunks at the same time without locks (no two
write the same object). Variables without a ``scenario`` dimension (``time``, subscript ranges)
are written at creation. Dataset attributes are the group's attributes. Strings are Zarr v3
variable-length UTF-8. The codec is lossless; what is stored (the saved series as float32 by
default, only some years on request) is decided before, by the scenario's ``outputs:``
(simulator/scenarios/outputs.py; measurements in docs/batch.md and benchmarks/store_codecs.py).

Why Zarr and not NetCDF-4 with a filter: measured on 10,000 regional scenarios (70 MiB of
values), Blosc zstd level 1 + shuffle keeps 1/2.3 of the bytes and writes in ~1.0 s; NetCDF-4
zlib-1 + shuffle keeps 1/1.16 and takes ~10.7 s (uncompressed NetCDF: 2.7 s); and NetCDF-4 files
cannot be written by several processes at once without MPI. ``export_netcdf`` writes a
``results.nc`` from the store on request (``python run.py export RUN_DIR --netcdf``).
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import numpy as np
import xarray as xr

#: The codec of every numeric array (lossless; see the module docstring for the measurement).
CODEC_ARGS = {"cname": "zstd", "clevel": 1, "shuffle": "shuffle"}


def _codec():
    from zarr.codecs import BloscCodec

    return BloscCodec(**CODEC_ARGS)


def _jsonable(attrs: dict) -> dict:
    """Attributes as JSON types (numpy scalars and arrays become Python numbers and lists)."""
    return json.loads(json.dumps(dict(attrs), default=lambda v: v.tolist() if hasattr(v, "tolist") else str(v)))


def _fill(dtype: np.dtype):
    if dtype.kind == "f":
        return np.nan
    if dtype.kind in "iub":
        return 0
    return ""


def create_store(path: Path, template: xr.Dataset, n: int, chunk_size: int, attrs: dict) -> None:
    """Lay out an empty store for ``n`` scenarios shaped like ``template`` (one or more scenarios)."""
    import zarr

    group = zarr.open_group(str(path), mode="w-", zarr_format=3)
    group.attrs.update(_jsonable({**template.attrs, **attrs}))
    for name, var in template.variables.items():
        dims = tuple(str(d) for d in var.dims)
        string = var.dtype.kind in "UOT"
        dtype = str if string else var.dtype
        if "scenario" not in dims:
            array = group.create_array(name, shape=var.shape, chunks=var.shape or None, dtype=dtype,
                                       dimension_names=dims, fill_value=_fill(np.dtype(object) if string else var.dtype),
                                       compressors=None if string else _codec())
            array[...] = np.asarray(var.values).astype(str) if string else var.values
        else:
            shape = tuple(n if d == "scenario" else template.sizes[d] for d in dims)
            chunks = tuple(min(chunk_size, n) if d == "scenario" else max(template.sizes[d], 1) for d in dims)
            group.create_array(name, shape=shape, chunks=chunks, dtype=dtype, dimension_names=dims,
                               fill_value="" if string else _fill(var.dtype), compressors=None if string else _codec())
        if var.attrs:
            group[name].attrs.update(_jsonable(var.attrs))


def write_region(path: Path, ds: xr.Dataset) -> None:
    """Write the scenarios of ``ds`` (its ``scenario`` coordinate: consecutive rows) into the store."""
    import zarr

    rows = np.asarray(ds["scenario"].values)
    start, stop = int(rows[0]), int(rows[-1]) + 1
    with zarr.config.set({"array.write_empty_chunks": True}):      # a region is always one file per array
        group = zarr.open_group(str(path), mode="r+", zarr_format=3)
        for name, var in ds.variables.items():
            if "scenario" not in var.dims:
                continue
            index = tuple(slice(start, stop) if d == "scenario" else slice(None) for d in var.dims)
            values = np.asarray(var.values)
            group[name][index] = values.astype(str) if values.dtype.kind in "UOT" else values


def scenario_arrays(path: Path) -> list[Path]:
    """The folders of the store's arrays that have a ``scenario`` dimension (read from their ``zarr.json``)."""
    arrays = []
    for array in sorted(p for p in Path(path).iterdir() if p.is_dir()):
        try:
            dims = json.loads((array / "zarr.json").read_text(encoding="utf-8")).get("dimension_names") or ()
        except (OSError, ValueError, AttributeError):
            continue
        if "scenario" in dims:
            arrays.append(array)
    return arrays


def region_files(path: Path, index: int, complete: bool = False) -> list[Path]:
    """The files of batch chunk ``index`` in the store: its data only, one Zarr chunk per array with a
    ``scenario`` dimension. Coordinates without that dimension (``time``, subscript ranges) and the
    metadata belong to no chunk (:func:`layout_files`), so discarding a chunk never touches them.

    With ``complete=True`` a missing file raises FileNotFoundError (:func:`write_region` writes a
    file for every array, even one equal to the fill value).
    """
    files = []
    for array in scenario_arrays(path):
        target = array / "c" / str(index)
        if target.is_file():
            files.append(target)
        elif target.is_dir() and any(f.is_file() for f in target.rglob("*")):
            files.extend(sorted(f for f in target.rglob("*") if f.is_file()))
        elif complete:
            raise FileNotFoundError(errno.ENOENT, "chunk region not written", str(target))
    return files


def layout_files(path: Path) -> list[Path]:
    """The files written once when the store is laid out: every ``zarr.json`` (attributes included)
    and the values of the arrays without a ``scenario`` dimension (coordinates)."""
    path = Path(path)
    data = set(scenario_arrays(path))
    files = [path / "zarr.json"]
    for array in sorted(p for p in path.iterdir() if p.is_dir()):
        files.append(array / "zarr.json")
        if array not in data and (array / "c").exists():
            files.extend(sorted(f for f in (array / "c").rglob("*") if f.is_file()) if (array / "c").is_dir()
                         else [array / "c"])
    return [f for f in files if f.is_file()]


def read_array(path: Path, name: str) -> np.ndarray:
    """One whole array of the store (e.g. ``status``)."""
    import zarr

    return zarr.open_array(str(Path(path) / name), mode="r", zarr_format=3)[...]


def open_store(path: Path, cache: bool = True) -> xr.Dataset:
    """The store as a lazily read xarray Dataset (strings as ``<U`` like results.nc gave them).

    With ``cache=False`` a variable's values are read from disk each time they are used and not kept.
    """
    ds = xr.open_dataset(str(path), engine="zarr", consolidated=False, zarr_format=3, chunks=None, cache=cache)
    strings = {name: xr.Variable(var.dims, np.asarray(np.asarray(var.values).tolist(), dtype=str), var.attrs)
               for name, var in ds.variables.items() if var.dtype.kind == "T"}
    return ds.assign_coords({k: v for k, v in strings.items() if k in ds.coords}).assign(
        {k: v for k, v in strings.items() if k not in ds.coords})


def export_netcdf(path: Path, out: Path, rows: int = 10_000) -> None:
    """Write the store as one NetCDF-4 file, ``rows`` scenarios at a time (bounded memory)."""
    import netCDF4
    import zarr

    group = zarr.open_group(str(path), mode="r", zarr_format=3)
    arrays = dict(group.arrays())
    n = arrays["scenario"].shape[0]
    with netCDF4.Dataset(out, "w", format="NETCDF4") as dst:
        dst.setncatts({k: (json.dumps(v) if isinstance(v, (dict, list)) and not _numbers(v) else v)
                       for k, v in group.attrs.asdict().items()})
        for name, array in arrays.items():
            for dim, size in zip(array.metadata.dimension_names, array.shape):
                if dim not in dst.dimensions:
                    dst.createDimension(dim, size)
        variables = {}
        for name, array in arrays.items():
            string = array.dtype.kind in "UOT" or str(array.dtype).startswith("StringDType")
            variables[name] = dst.createVariable(name, str if string else np.dtype(array.dtype).newbyteorder("="),
                                                  array.metadata.dimension_names)
            variables[name].setncatts(array.attrs.asdict())
            if "scenario" not in array.metadata.dimension_names:
                variables[name][...] = np.asarray(array[...], dtype=object if string else array.dtype)
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            for name, array in arrays.items():
                dims = array.metadata.dimension_names
                if "scenario" in dims:
                    index = tuple(slice(start, stop) if d == "scenario" else slice(None) for d in dims)
                    values = array[index]
                    variables[name][index] = values.astype(object) if values.dtype.kind in "UOT" else values


def _numbers(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, (int, float)) for v in value)
