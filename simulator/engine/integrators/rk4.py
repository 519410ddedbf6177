"""Integrator (fifth stage): classical fourth-order Runge-Kutta with fixed TIME STEP.

Outputs are saved from the first stage (the state at t); discrete states commit once per step,
from the first stage. Levers are read on a half-step grid (``substeps = 2``).
"""

from __future__ import annotations

from .base import Integrator, register


@register
class RK4(Integrator):
    """Classical RK4."""

    name = "rk4"
    substeps = 2
    order = 4

    def advance(self, step, t, k, S, dt, isave):
        j = 2 * k
        half = dt / 2
        k1 = step(t, j, S, isave, True)
        k2 = step(t + half, j + 1, S + half * k1, -1, False)
        k3 = step(t + half, j + 1, S + half * k2, -1, False)
        k4 = step(t + dt, j + 2, S + dt * k3, -1, False)
        return S + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
