"""Lowering, subscripts: PySD's subscript ranges → IR dimensions (subranges, copies, mappings).

A mixin of the lowering run (``convert._Lowering``): it owns ``self.dimensions`` and answers
which range a set of elements belongs to.
"""

from __future__ import annotations

from simulator.engine import ir
from simulator.engine.lowering import external as lower_external
from simulator.engine.lowering.keys import reference_key


class Dimensions:
    """Subscript ranges of one lowering run (``self.dimensions``: {name: ir.Dimension})."""

    def lower_dimensions(self, ranges):
        pending = list(ranges)
        for rng in pending:
            if isinstance(rng.subscripts, dict):       # GET XLS/DIRECT SUBSCRIPT
                self.dimensions[rng.name] = ir.Dimension(
                    rng.name, tuple(lower_external.subscript_elements(self, rng)))
                continue
            if isinstance(rng.subscripts, str):
                continue
            self.dimensions[rng.name] = ir.Dimension(rng.name, tuple(rng.subscripts))
        self._expand_nested()
        for rng in pending:        # copies (DimB <-> DimA) after their sources
            if isinstance(rng.subscripts, str):
                source = self.dimensions.get(rng.subscripts)
                if source is None:
                    self.unsupported.append((rng.name, f"copy of unknown subscript range {rng.subscripts}"))
                    continue
                self.dimensions[rng.name] = ir.Dimension(rng.name, source.elements)
        for rng in pending:
            dim = self.dimensions.get(rng.name)
            if dim is None:
                continue
            for mapping in rng.mapping or ():
                self._add_mapping(dim, mapping)

    def _expand_nested(self):
        """Replace subrange names listed among a range's elements by their elements (recursively)."""
        def expand(name, trail):
            out = []
            for element in self.dimensions[name].elements:
                if element in self.dimensions and element not in trail:
                    out.extend(expand(element, trail + (element,)))
                else:
                    out.append(element)
            return out
        expanded = {name: tuple(expand(name, (name,))) for name in self.dimensions}
        for name, elements in expanded.items():
            self.dimensions[name].elements = elements

    def _add_mapping(self, dim, mapping):
        if isinstance(mapping, str):
            target = self.dimensions.get(mapping)
            if target is None or len(target.elements) != len(dim.elements):
                self.unsupported.append((dim.name, f"mapping to {mapping} (unknown or different size)"))
                return
            dim.mappings[mapping] = tuple(target.elements)
            return
        # explicit mapping (Vensim's '-> (Target: t1, SubT, ...)', restored by ingest): one entry per
        # element of ours, an element of the target or a subrange of it (ours maps to all its elements)
        try:
            target_name, targets = mapping[0], list(mapping[1])
        except (TypeError, IndexError):
            self.unsupported.append((dim.name, f"subscript mapping {mapping!r}"))
            return
        target = self.dimensions.get(target_name)
        if target is None or len(targets) != len(dim.elements):
            self.unsupported.append((dim.name, f"mapping to {target_name} with {len(targets)} entries for "
                                               f"{len(dim.elements)} elements (unknown range or different size)"))
            return
        entries = []
        for name in targets:
            elements = self.dimensions[name].elements if name in self.dimensions else (name,)
            if not set(elements) <= set(target.elements):
                self.unsupported.append((dim.name, f"mapping to {target_name}: '{name}' is not in {target_name}"))
                return
            entries.append(elements[0] if name not in self.dimensions else tuple(elements))
        dim.mappings[target_name] = tuple(entries)

    def main_range(self, elements):
        """The largest subscript range containing all ``elements`` (a subrange's main range)."""
        wanted = set(elements)
        containing = [d for d in self.dimensions.values() if wanted <= set(d.elements)]
        return max(containing, key=lambda d: len(d.elements)) if containing else None

    def subscript_value(self, key):
        """A subscript range or element used as a value (PySD: positions 1..n), else None."""
        for dim in self.dimensions.values():
            if reference_key(dim.name) == key:
                main = self.main_range(dim.elements)
                positions = tuple(float(main.elements.index(e) + 1) for e in dim.elements)
                return ir.DimIndex(dim.name, positions)
        for dim in self.dimensions.values():
            for element in dim.elements:
                if reference_key(element) == key:
                    main = self.main_range((element,))
                    return ir.Num(float(main.elements.index(element) + 1))
        return None

    def elements_of(self, name):
        """Elements named by a dimension/subrange name or a single element name."""
        if name in self.dimensions:
            return self.dimensions[name].elements
        return (name,)

    def dim_for_elements(self, elements, hint_dims):
        """The dimension whose elements are exactly ``elements`` (or the smallest containing them)."""
        wanted = set(elements)
        for name in hint_dims:
            if set(self.dimensions[name].elements) == wanted:
                return name
        exact = [d for d in self.dimensions.values() if set(d.elements) == wanted]
        if exact:
            return exact[0].name
        containing = [d for d in self.dimensions.values() if wanted <= set(d.elements)]
        if not containing:
            return None
        return min(containing, key=lambda d: len(d.elements)).name

    # --- variables -----------------------------------------------------------------------
