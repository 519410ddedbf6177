"""Fifth stage of the data flow: the integrator interface and its ``METHODS`` registry.

An integrator advances the flat state ``S`` (n_scenarios, n_state) by one TIME STEP using the
generated ``step(t, j, S, isave, commit)`` function, which returns dS/dt and saves outputs when
``isave >= 0``. ``j`` indexes the lever grid, which has ``substeps`` points per TIME STEP.
"""

from __future__ import annotations

METHODS = {}
"""{method name: Integrator subclass}; filled by :func:`register`."""


def register(cls):
    """Class decorator adding an integrator to :data:`METHODS` under ``cls.name``."""
    METHODS[cls.name] = cls
    return cls


class Integrator:
    """Base class: one fixed-step method.

    Attributes
    ----------
    name : str
        Key in :data:`METHODS`.
    substeps : int
        Lever grid points per TIME STEP (1 for Euler, 2 for RK4's half steps).
    order : int
        Order of convergence (for tests and docs).
    """

    name = ""
    substeps = 1
    order = 1

    def advance(self, step, t, k, S, dt, isave):
        """Return the state one TIME STEP after ``t`` (step number ``k``), saving at ``isave``."""
        raise NotImplementedError
