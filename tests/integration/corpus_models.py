"""Test data beside the data flow: the corpus of published Vensim models and their PySD references.

The models are public models from other repositories, so they are not part of plansim: they live
in ``$PLANSIM_MODEL_CORPUS`` (default ``../shared/model-corpus``), one folder per model with its
licence, and the corpus tests skip with that reason when the folder is absent. docs/model-corpus.md
lists each model, its source and licence.

Each entry: folder, model file, whether its equations draw random numbers, and whether PySD 3.14
runs it (then ``pysd_reference.csv.gz`` beside the model holds PySD's run, written by running this
file: ``python tests/integration/corpus_models.py``). Licences and sources are beside each model
(``PROVENANCE.md``, ``LICENSE-*``) and listed in ``corpus/README.md``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(os.environ.get("PLANSIM_MODEL_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "model-corpus"))
REFERENCE = "pysd_reference.csv.gz"


@dataclass(frozen=True)
class CorpusModel:
    folder: str
    file: str
    stochastic: bool = False
    pysd_runs: bool = True
    noise_by_default: bool = True
    vensim_output: bool = False

    @property
    def vensim_runs(self) -> list[Path]:
        """Vensim's own run as the model's repository publishes it (tab-separated, one row per variable)."""
        return sorted((CORPUS / self.folder / "vensim_output").glob("*.txt.gz")) if self.vensim_output else []

    @property
    def path(self) -> Path:
        return CORPUS / self.folder / self.file

    @property
    def reference(self) -> Path:
        return CORPUS / self.folder / REFERENCE


MODELS = [
    CorpusModel("world3_03", "wrld3-03.mdl"),
    CorpusModel("free6_conversion", "conversion.mdl"),
    CorpusModel("free6_conversion2", "conversion2.mdl"),
    CorpusModel("simlin_econ", "mark2.mdl"),
    CorpusModel("simlin_pop", "pop.mdl"),
    CorpusModel("simlin_water", "water.mdl"),
    CorpusModel("rabbits_foxes", "rabfox_birgit.mdl"),
    # PySD 3.14 stops on TIME STEP$ (the model's TIME STEP inside a macro): no PySD reference
    CorpusModel("pink_noise", "PinkNoise2010.mdl", stochastic=True, pysd_runs=False),
    CorpusModel("critical_slowing", "critical-slowing.mdl", stochastic=True, pysd_runs=False),
    # its measurement-error standard deviations are 0 in the file: no noise unless they are set
    CorpusModel("bathtub_statistics", "integration3.mdl", stochastic=True, pysd_runs=False, noise_by_default=False),
    # Earth4All (852 variables): PySD 3.14 lacks RANDOM PINK NOISE; compared with Vensim's published run
    CorpusModel("earth4all_tltl", "E4A-global-TLTL.mdl", pysd_runs=False, vensim_output=True),
    CorpusModel("earth4all_gl", "E4A-global-GL.mdl", pysd_runs=False, vensim_output=True),
    # MEDEAS World (2,252 variables), reading two spreadsheets through '?alias' references; PySD 3.14
    # had not finished it after 50 minutes, and the Vensim run it ships used other scenario inputs
    CorpusModel("pymedeas_w", "models/pymedeas_w/pymedeas_w.mdl", pysd_runs=False),
]


SDEVERYWHERE = CORPUS / "sdeverywhere"
"""SDEverywhere's Vensim test models (MIT), one folder per model with Vensim's own run of it (``.dat``)."""


@dataclass(frozen=True)
class VensimDatModel:
    """One of SDEverywhere's test models: ``<name>/<stem>.mdl`` and Vensim's run ``<name>/<stem>.dat``."""

    name: str
    stem: str = ""

    @property
    def path(self) -> Path:
        return SDEVERYWHERE / self.name / f"{self.stem or self.name}.mdl"

    @property
    def dat(self) -> Path:
        return SDEVERYWHERE / self.name / f"{self.stem or self.name}.dat"


SDE_MODELS = [VensimDatModel(name) for name in (
    "active_initial allocate allocate_by_priority allocate_price allocate_ptype arrays comments delay delayfixed "
    "delayfixed2 depreciate directconst directconst_invalidcell directdata directdata_endofdata "
    "directdata_invalidcell directlookups directlookups_endofdata directlookups_invalidcell directsubs elmcount "
    "except except2 extdata gamma_ln getdata index initial interleaved invertmatrix invertmatrixio longeqns "
    "lookup mapping multimap npv power prune pulsetrain quantum ref same_family_179 same_family_278 sample "
    "separateall sir smooth smooth3 specialchars subalias subscript sum sumif trend trig vector").split()]
SDE_MODELS.insert(24, VensimDatModel("flatten", "expected"))      # its test merges two models into expected.mdl


def read_vensim_dat(path: Path) -> dict[str, dict[float, float]]:
    """{variable name as Vensim prints it, ``name[elements]``: {time: value}} from a Vensim ``.dat`` run:
    a line with the name, then one ``time<TAB>value`` line per saved time."""
    out: dict[str, dict[float, float]] = {}
    series: dict[float, float] = {}
    for line in path.read_text(errors="ignore").splitlines():
        if not line.strip():
            continue
        if "\t" not in line:
            series = out.setdefault(line.strip(), {})
            continue
        time, value = line.split("\t")[:2]
        series[float(time)] = float(value)
    return out


def read_vensim_run(model: CorpusModel):
    """{variable name: values at each saved step} from the Vensim output files beside the model."""
    import pandas as pd

    columns = {}
    for path in model.vensim_runs:
        frame = pd.read_csv(path, sep="\t", index_col=0)
        for label, row in frame.iterrows():
            columns[label.rsplit(" : ", 1)[0].strip()] = row.to_numpy(dtype=float)
    return columns


def write_reference(model: CorpusModel) -> None:
    """Run PySD on a copy of the model's folder and store its output beside the model.

    PySD 3.14 stops on Vensim's indirect file references ('?name'), so the copy names the files
    directly ('?inputs.xlsx' → 'inputs.xlsx', the alias read as a path relative to the model)."""
    import re

    import pysd

    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / model.folder
        shutil.copytree(CORPUS / model.folder, tree)
        copy = tree / model.file
        copy.write_text(re.sub(r"'\?([^']+)'", r"'\1'", copy.read_text(errors="ignore")))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pysd.read_vensim(str(copy)).run()
    frame.to_csv(model.reference, float_format="%.12g", compression="gzip")


if __name__ == "__main__":
    wanted = set(sys.argv[1:])
    for entry in MODELS:
        if entry.pysd_runs and (not wanted or entry.folder in wanted):
            write_reference(entry)
            print("wrote", entry.reference)
