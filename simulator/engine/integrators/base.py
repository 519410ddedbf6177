"""Fifth stage of the data flow: the integrator interface and its ``METHODS`` registry.

An integrator advances the flat state ``S`` (n_scenarios, n_state) by one TIME STEP using the
generated ``step(t, j, S, isave, commit, D=None)`` function, which returns dS/dt and saves outputs
when ``isave >= 0``. ``j`` indexes the lever grid, which has ``substeps`` points per TIME STEP.
``D``, when given, is an array shaped like ``S`` that the step overwrites with dS/dt and returns
(to save an allocation per step); it must not be referenced by anything that is still needed.
"""

from __future__ import annotations

import numpy as np

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

    def integrate(self, namespace, S, step_times, save_index, dt, n_steps, clip_mask):
        """Advance ``S`` by ``n_steps`` TIME STEPs; returns the final state.

        Parameters
        ----------
        namespace : dict
            The executed program's namespace (``_step``, and any fused loops the program offers).
        S : ndarray
            The initial state.
        step_times, save_index : sequence
            Per step number: its time, and its row in the saved outputs (-1: not saved).
        dt : float
            TIME STEP.
        n_steps : int
            Number of steps to take (the final time's outputs are saved by the caller).
        clip_mask : ndarray or None
            True at the state slots of non-negative stocks, clipped at 0 after each step.
        """
        step, advance = namespace["_step"], self.advance
        for k in range(n_steps):
            S = advance(step, step_times[k], k, S, dt, save_index[k])
            if clip_mask is not None:
                np.maximum(S, 0.0, out=S, where=clip_mask)
        return S
