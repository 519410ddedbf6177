"""Integrators (fifth stage of the data flow): fixed-step methods selected by name from ``METHODS``."""

from .base import METHODS, Integrator, register
from . import euler, rk4  # noqa: F401  (registration)

__all__ = ["METHODS", "Integrator", "register"]
