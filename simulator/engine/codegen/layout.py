"""Code generation, state layout: where each stock lives in the flat state array ``S``.

The state is laid out stock-major, ``S`` shaped (n_state, n), when all stocks are scalars (each
is one contiguous row), and scenario-major, (n, n_state), when stocks carry subscripts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import ir


@dataclass
class Layout:
    """Where each stock lives in the flat state: {id: (start, stop, shape)}.

    ``scenario_major`` False: ``S`` is (n_state, n) so a scalar stock is one contiguous row (best
    for models of scalar stocks); True: ``S`` is (n, n_state) so a subscripted stock is a
    C-ordered (n, *dims) view (best when stocks carry subscripts). The methods return source code.
    """

    slots: dict
    size: int
    non_negative: list
    scenario_major: bool = False

    def rows(self, start, stop=None):
        """Index expression selecting state slots [start, stop) (or one slot) of every scenario."""
        part = f"{start}" if stop is None else f"{start}:{stop}"
        return f"[:, {part}]" if self.scenario_major else f"[{part}]"

    def allocate(self):
        return f"np.zeros((_N, {self.size}))" if self.scenario_major else f"np.zeros(({self.size}, _N))"

    def count(self):
        return "S.shape[0]" if self.scenario_major else "S.shape[1]"

    def view(self, array, start, stop, shape):
        """A (n, *shape) view of slots [start, stop) of ``array``."""
        if not shape:
            return f"{array}{self.rows(start)}"
        if self.scenario_major:
            return f"{array}{self.rows(start, stop)}.reshape((_N,) + {shape!r})"
        return f"np.moveaxis({array}{self.rows(start, stop)}.reshape({shape!r} + (_N,)), -1, 0)"

    def store(self, array, start, stop, shape, value):
        """Statement writing ``value`` (broadcastable to (n, *shape)) into slots [start, stop)."""
        if not shape:
            return f"{array}{self.rows(start)} = {value}"
        if self.scenario_major:
            return f"_as_shape({array}{self.rows(start, stop)}, (_N,) + {shape!r})[...] = {value}"
        full = f"np.broadcast_to({value}, (_N,) + {shape!r})"
        return f"{array}{self.rows(start, stop)} = np.moveaxis({full}, 0, -1).reshape(-1, _N)"

    def state_axis(self):
        """Axis of ``S`` that runs over state slots."""
        return 1 if self.scenario_major else 0


def state_layout(model_ir):
    slots, offset, non_negative = {}, 0, []
    for vid, var in model_ir.variables.items():
        if var.role != ir.STOCK:
            continue
        shape = model_ir.dims_shape(var.dims)
        size = int(np.prod(shape)) if shape else 1
        slots[vid] = (offset, offset + size, shape)
        if var.non_negative:
            non_negative.extend(range(offset, offset + size))
        offset += size
    scenario_major = any(shape for _, _, shape in slots.values())
    return Layout(slots, offset, non_negative, scenario_major)


def clip_mask(layout):
    """Mask of the non-negative slots, shaped to broadcast against ``S`` (None when there are none)."""
    if not layout.non_negative:
        return None
    mask = np.zeros(layout.size, dtype=bool)
    mask[layout.non_negative] = True
    return mask[None, :] if layout.scenario_major else mask[:, None]
