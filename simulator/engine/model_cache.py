"""Engine entry, before ingest: a compiled model from the per-user cache when its file and the engine are unchanged.

``load_model`` parses (PySD), lowers and checks a model in 1-5 s; every CLI command that names a
model used to pay that on each call. Here the :class:`~simulator.engine.simulate.CompiledModel` is
pickled (without its generated programs) into :mod:`simulator.diskcache` under a key made of the
model file's bytes, its path (absolute and as given: the model reports the path it was given), and a
digest of the source of ``simulator/engine`` (plus errors.py and names.py) and of plansim's version;
the spreadsheets the model read are stored with their digests and checked on each read. So a warm
load costs one unpickle (~10 ms for the regional model); any change to the model, a data file it reads,
or the engine's code compiles afresh. Warnings of a load are recorded and given again on a cached
load. ``PLANSIM_CACHE=off`` turns the cache off (the test suite does; see tests/conftest.py).
"""

from __future__ import annotations

import warnings

from simulator import diskcache

#: The parts of ``simulator`` whose source decides what a compiled model is.
ENGINE_CODE = ("engine", "errors.py", "names.py")


def key(path):
    """The cache key of the model file ``path``, or None when the cache is off or the file cannot be
    read (the load then reports the problem itself)."""
    if diskcache.cache_dir() is None:
        return None
    try:
        return diskcache.entry_key("model", path, diskcache.code_digest(*ENGINE_CODE), str(path))
    except OSError:
        return None


def load(path, build):
    """The compiled model of ``path``: from the cache, else ``build()`` (then stored)."""
    entry_key = key(path)
    cached = diskcache.read("models", entry_key) if entry_key else None
    if cached is not None:
        model, caught = cached
    else:
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            model = build()
        caught = [(w.category, str(w.message)) for w in records]
        if entry_key:
            diskcache.write("models", entry_key, (model, caught), files=model.ir.data_files)
    for category, message in caught:      # the load's warnings, cached or not
        warnings.warn(message, category, stacklevel=3)
    return model
