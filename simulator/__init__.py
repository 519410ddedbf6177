"""plansim's library: models in (Vensim/XMILE), vectorized numpy simulation, scenario batches out.

Wings, in data-flow order (a lower wing never imports a higher one):
``engine`` (model file → CompiledModel → Dataset), ``plans`` (plan.yaml → goals → P(met)),
``scenarios`` (scenario YAML → Scenario), ``runs`` (Scenario → run folder). ``reports/`` turns a
run folder into PDF and PNG.

The public names below are imported lazily, so ``import simulator`` stays light.
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "SimulatorError": "simulator.errors",
    "METHODS": "simulator.engine.integrators",
    "CompiledModel": "simulator.engine.simulate",
    "VariableInfo": "simulator.engine.simulate",
    "load_model": "simulator.engine.simulate",
    "TimeSeries": "simulator.engine.timeseries",
    "load_scenario": "simulator.scenarios.scenario",
    "load_plan": "simulator.plans.plan",
    "evaluate_goals": "simulator.plans.goals",
    "run_batch": "simulator.runs.batch",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    """Import a public name on first use (PEP 562)."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
