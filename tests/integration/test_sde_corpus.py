"""Engine acceptance on SDEverywhere's Vensim test models (model file → table vs Vensim's own run).

SDEverywhere (climateinteractive/SDEverywhere, MIT) ships each of its test models with the run
Vensim made of it (``<model>.dat``). Every variable of that run is compared with plansim's table at
the run's saved times. Vensim computes in single precision and prints 6 significant digits, so a
value is known to about 5e-6 of itself (half a unit in the 6th digit) plus the float32 rounding
that Euler steps accumulate (6e-8 per operation); values that come out of a cancellation (a
cosine near pi/2, a trend near 0) keep an absolute error of float32 size on the magnitudes that
cancelled. The comparison is therefore ``|plansim - vensim| <= RTOL * |vensim| + ATOL * max|vensim|``
over the variable's series, with RTOL 2e-5 and ATOL 1e-6 (float32's 24-bit mantissa ~ 6e-8, ×16),
plus 1e-12 for a printed 0 that carries rounding residue. (`initial` shows the single precision:
Vensim prints cos(6.28·5/20) as 0.000796274, the cosine of float32(1.57); in doubles it is 0.000796327.)

Models plansim cannot run yet are strict xfails whose reason names the construct (and what PySD
3.14 does with it); docs/model-corpus.md tabulates both engines against Vensim.
"""

import re
import warnings

import numpy as np
import pytest

import simulator
from simulator.engine.table import simulate_table

try:  # tests/ may or may not be a package
    from . import corpus_models
except ImportError:
    import corpus_models

RTOL = 2e-5
ATOL = 1e-6
FLOOR = 1e-12          # rounding residue of an exact 0 (invertmatrix prints 4.44089e-16 for 0)

_RUNTIME_DATA = ("data variables without an equation ({}), which Vensim reads from a .dat/.vdf file named "
                 "at run time, not in the model; plansim has no run-time data file; PySD 3.14 stops parsing too")
_MAPPING = ("subscript mapping to a dimension of another size ({}): Vensim maps element by element "
            "through a sub-range; not supported in plansim; PySD 3.14 fails reshaping it")

GAPS = {
    "allocate": "ALLOCATE AVAILABLE: shipments differ from Vensim by up to 1% (158 of 1,859 values); "
                "PySD 3.14 differs the same way on fewer values",
    "allocate_price": "FIND MARKET PRICE / SUPPLY AT PRICE / DEMAND AT PRICE are not implemented (nor in PySD 3.14)",
    "allocate_ptype": "ALLOCATE BY PRIORITY with the fixed-quantity priority profile (ptype 0)",
    "comments": "a {comment} inside an equation's argument list does not parse (PySD 3.14 neither)",
    "depreciate": "DEPRECIATE STRAIGHTLINE is not implemented (nor in PySD 3.14)",
    "directconst": "'?a'-style indirect file references whose link is set in Vensim's run settings, not the model",
    "directconst_invalidcell": "GET DIRECT CONSTANTS with a blank cell: Vensim reads 0, plansim refuses the cell",
    "directdata": "'?data' indirect file reference whose link is set in Vensim's run settings, not the model",
    "directlookups": "'?lookups' indirect file reference whose link is set in Vensim's run settings, not the model",
    "directlookups_invalidcell": "GET DIRECT LOOKUPS with a non-numeric cell: Vensim gives 0 for x beyond it, "
                                 "plansim (and PySD 3.14) interpolate the numeric cells",
    "except": _MAPPING.format("DimD: ... -> DimA"),
    "except2": _MAPPING.format("DimD: ... -> DimA"),
    "extdata": _RUNTIME_DATA.format("Simple 1 ~~|"),
    "gamma_ln": "GAMMA LN is not implemented (nor in PySD 3.14)",
    "getdata": _RUNTIME_DATA.format("Values[DimA] ~~|, read with GET DATA AT TIME"),
    "interleaved": "an algebraic loop between variables that is not one between elements "
                   "(a[A1] -> y -> a[A2]): Vensim orders elements, plansim whole variables; PySD 3.14 recurses forever",
    "invertmatrixio": "crashes inside plansim on a 2-D GET DIRECT CONSTANTS table",
    "mapping": _MAPPING.format("DimB: ... -> DimA"),
    "multimap": _MAPPING.format("DimA: ... -> DimB, DimC"),
    "npv": "NPV is not implemented (nor in PySD 3.14)",
    "prune": _RUNTIME_DATA.format("Simple 1 ~~|"),
    "ref": "an algebraic loop between variables that is not one between elements (ecc[t1] -> ce -> ecc[t2]): "
           "Vensim orders elements, plansim whole variables; PySD 3.14 recurses forever",
    "same_family_179": "the elements of a variable defined one by one on a 2-D range are not all named in the table",
    "sumif": _RUNTIME_DATA.format("A Values[DimA] ~~|"),
}


def _key(name):
    """A Vensim name as both tables write it: case, underscores, quotes and blanks around [ , ] ignored."""
    name = re.sub(r"\s+", " ", name.strip().strip('"').lower().replace("_", " "))
    return re.sub(r"\s*([\[\],])\s*", r"\1", name)


def _params():
    out = []
    for entry in corpus_models.SDE_MODELS:
        marks = pytest.mark.xfail(strict=True, reason=GAPS[entry.name]) if entry.name in GAPS else ()
        out.append(pytest.param(entry, id=entry.name, marks=marks))
    return out


def test_every_sdeverywhere_model_is_in_the_corpus_with_the_licence():
    assert (corpus_models.SDEVERYWHERE / "LICENSE-SDEverywhere-MIT.txt").is_file()
    assert (corpus_models.SDEVERYWHERE / "PROVENANCE.md").is_file()
    assert len(corpus_models.SDE_MODELS) >= 50
    for entry in corpus_models.SDE_MODELS:
        assert entry.path.is_file() and entry.dat.is_file(), entry.name
    assert set(GAPS) <= {entry.name for entry in corpus_models.SDE_MODELS}


def differences(entry):
    """[(name, time, plansim, vensim)] for every printed value outside the tolerance (or missing)."""
    published = corpus_models.read_vensim_dat(entry.dat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = simulate_table(simulator.load_model(entry.path))
    times = table["Time"].to_numpy(dtype=float)
    ours = {_key(column): table[column].to_numpy(dtype=float) for column in table.columns}
    out = []
    for name, series in published.items():
        column = ours.get(_key(name))
        scale = ATOL * max(abs(v) for v in series.values()) + FLOOR
        for time, value in series.items():
            at = np.nonzero(np.isclose(times, time, rtol=0, atol=1e-9))[0]
            mine = column[at[0]] if column is not None and len(at) else None
            if mine is None or not abs(mine - value) <= RTOL * abs(value) + scale:
                out.append((name, time, mine, value))
    return out


@pytest.mark.parametrize("entry", _params())
def test_every_variable_matches_vensims_run(entry):
    differ = differences(entry)
    assert not differ, f"{len(differ)} printed values differ from Vensim's run: {differ[:5]}"
