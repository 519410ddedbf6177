"""plansim's library: models in (Vensim/XMILE), vectorized numpy simulation, scenario batches out.

Data flow: ingest (PySD parser) → lower (IR) → compile (numpy program) → integrate → results;
scenarios/sampling/goals feed batches; reports/ turns results into PDF and PNG.
"""

from .errors import SimulatorError
from .integrators import METHODS
from .simulate import CompiledModel, VariableInfo, load_model
from .timeseries import TimeSeries

__version__ = "0.1.0"

__all__ = ["SimulatorError", "__version__", "load_model", "TimeSeries", "CompiledModel",
           "VariableInfo", "METHODS"]
