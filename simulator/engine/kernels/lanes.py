"""Fused kernels, blocks of scenarios as lanes: the kernel's driver and its native save and update.

Used by ``kernels/generate.py`` when the step lowers for a block (``lowering.step_ir(..., width)``):
a block of :func:`width_for` scenarios is held as a structure of arrays, value ``q`` of lane ``b``
at ``V[q * W + b]``, and every double of the step is a vector of the ``W`` lanes. The element
loops of a subscripted equation stay loops; inside them each operation works on all ``W``
scenarios at once (the scenario loop innermost, contiguous, with no call per scenario). Per time
step the numba driver (:func:`driver`) sets the levers and makes two calls for the whole block:
the step, then :func:`finish_ir`'s function, which saves the outputs of the block's real
scenarios and advances the stocks the outputs need (``D * dt + S``, then the non-negative clip),
the same IEEE operations as the numpy loop lane by lane. A last, partial block fills its spare
lanes with copies of its last scenario, and nothing is saved from them.
"""

from __future__ import annotations

import re

from simulator.engine.kernels.prelude import Types

LANE_BYTES = 1 << 19
"""Bytes the block's values may take (the values of all its lanes, read and written every step: in L2)."""
WIDTH = 8
"""Lanes of one vector operation (8 doubles: one AVX-512 register, two AVX2 ones)."""
MAX_LANES = 256


def lanes_for(n_values):
    """Scenarios per block: a power of two from :data:`WIDTH` to :data:`MAX_LANES`, as many as
    :data:`LANE_BYTES` allows (more lanes: fewer calls per scenario and step)."""
    lanes = MAX_LANES
    while lanes > WIDTH and lanes * n_values * 8 > LANE_BYTES:
        lanes //= 2
    return lanes


def finish_ir(name, saved, n_state, advanced, clipped, width, total):
    """``void name(ptr V, ptr O, i64 isave, i64 i0, i64 nb, i64 n, i64 update, double dt)``: when
    ``isave >= 0``, the ``saved`` values (``(first slot, element count or None)``) of lanes
    ``0 .. nb-1`` to output ``j`` (``O[j]``: a C-contiguous ``(saves, n, elements)`` array) at
    ``[isave, i0 + b]``, and their sum added to each lane's in slot ``total`` (finite iff every value
    saved is, bar overflow: the run's non-finite check, done here while the values are in cache);
    then, when ``update``, each stock slot of ``advanced`` becomes ``D * dt + S`` (0 if negative and
    in ``clipped``)."""
    types = Types(WIDTH)
    D, B = types.D, types.B
    lines = [f"define void {name}(ptr noalias %V, ptr noalias %O, i64 %isave, i64 %i0, i64 %nb, i64 %n, "
             "i64 %update, double %dt) nounwind {", "entry:", "  %dosave = icmp sge i64 %isave, 0",
             "  br i1 %dosave, label %save, label %advance", "save:", "  %row = mul i64 %isave, %n",
             "  %at = add i64 %row, %i0"]
    for j, (start, size) in enumerate(saved):
        lines += [f"  %a{j} = getelementptr inbounds ptr, ptr %O, i64 {j}", f"  %o{j} = load ptr, ptr %a{j}"]
        if size is None:        # one value: the lanes are the output's next nb scenarios
            lines += [f"  %s{j} = getelementptr inbounds double, ptr %V, i64 {start * width}",
                      f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %at", f"  %c{j} = mul i64 %nb, 8",
                      f"  call void @llvm.memcpy.p0.p0.i64(ptr %d{j}, ptr %s{j}, i64 %c{j}, i1 false)"]
        else:                   # elements of a scenario are contiguous in the output: a transpose
            lines += _loop(f"b{j}", "%nb", [
                f"  %sc{j} = add i64 %at, %b{j}", f"  %so{j} = mul i64 %sc{j}, {size}",
                f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %so{j}",
                f"  %s{j} = getelementptr inbounds double, ptr %V, i64 %b{j}",
            ] + _loop(f"e{j}", str(size), [
                f"  %ve{j} = mul i64 %e{j}, {width}", f"  %vi{j} = add i64 %ve{j}, {start * width}",
                f"  %vp{j} = getelementptr inbounds double, ptr %s{j}, i64 %vi{j}", f"  %x{j} = load double, ptr %vp{j}",
                f"  %op{j} = getelementptr inbounds double, ptr %d{j}, i64 %e{j}", f"  store double %x{j}, ptr %op{j}"]))
    for j, (start, size) in enumerate(saved):
        lines += _loop(f"t{j}", str((size or 1) * width // WIDTH), [
            f"  %tv{j} = mul i64 %t{j}, {WIDTH}", f"  %tw{j} = add i64 %tv{j}, {start * width}",
            f"  %tp{j} = getelementptr inbounds double, ptr %V, i64 %tw{j}", f"  %tx{j} = load {D}, ptr %tp{j}, align 8",
            f"  %tc{j} = urem i64 %tv{j}, {width}", f"  %ta{j} = add i64 %tc{j}, {total * width}",
            f"  %tq{j} = getelementptr inbounds double, ptr %V, i64 %ta{j}", f"  %ty{j} = load {D}, ptr %tq{j}, align 8",
            f"  %tz{j} = fadd {D} %ty{j}, %tx{j}", f"  store {D} %tz{j}, ptr %tq{j}, align 8"])
    lines += ["  br label %advance", "advance:", "  %doupdate = icmp ne i64 %update, 0",
              "  br i1 %doupdate, label %update.0, label %end", "update.0:",
              f"  %dt1 = insertelement {D} poison, double %dt, i64 0",
              f"  %dtv = shufflevector {D} %dt1, {D} poison, <{WIDTH} x i32> zeroinitializer"]
    zero = types.double(0.0)
    for r, (first, stop, clip) in enumerate(_runs(advanced, clipped)):
        body = [f"  %sv{r} = mul i64 %q{r}, {WIDTH}", f"  %sw{r} = add i64 %sv{r}, {first * width}",
                f"  %sp{r} = getelementptr inbounds double, ptr %V, i64 %sw{r}",
                f"  %dp{r} = getelementptr inbounds double, ptr %sp{r}, i64 {n_state * width}",
                f"  %s{r}.v = load {D}, ptr %sp{r}, align 8", f"  %d{r}.v = load {D}, ptr %dp{r}, align 8",
                f"  %um{r} = fmul {D} %d{r}.v, %dtv", f"  %ux{r} = fadd {D} %um{r}, %s{r}.v"]
        result = f"%ux{r}"
        if clip:
            body += [f"  %un{r} = fcmp olt {D} %ux{r}, {zero}", f"  %uy{r} = select {B} %un{r}, {D} {zero}, {D} %ux{r}"]
            result = f"%uy{r}"
        lines += _loop(f"q{r}", str((stop - first) * width // WIDTH), body + [f"  store {D} {result}, ptr %sp{r}, align 8"])
    return "\n".join(lines + ["  br label %end", "end:", "  ret void", "}"])


def driver(args, slots, scenario_major, width):
    """Lines of the numba kernel ``_kernel(args)`` over blocks of ``width`` lanes (``slots``: generate.Slots)."""
    n_state, (s0, s1), (l0, l1) = slots.n_state, slots.static_range, slots.lever_range
    state = "S[{i}, q]" if scenario_major else "S[q, {i}]"
    return ["", "", "@njit(cache=True, error_model='numpy', nogil=True)", f"def _kernel({args}):",
            "    N = S.shape[0]" if scenario_major else "    N = S.shape[1]",
            f"    V = np.empty({(slots.total + 1) * width})     # and the lanes' sums of saved values",
            f"    for i0 in range(0, N, {width}):",
            f"        nb = min({width}, N - i0)",
            f"        for b in range({width}):     # spare lanes of a last block: copies of its last scenario",
            "            i = i0 + min(b, nb - 1)",
            f"            for q in range({n_state}):", f"                V[q * {width} + b] = {state.format(i='i')}",
            f"            for q in range({s1 - s0}):", f"                V[({s0} + q) * {width} + b] = P[i, q]",
            f"            V[{slots.total * width} + b] = 0.0",
            "        for step in range(n_steps + 1):     # the last pass only saves the final time",
            f"            for q in range({l1 - l0}):",
            f"                for b in range({width}):",
            f"                    V[({l0} + q) * {width} + b] = L[step, i0 + min(b, nb - 1), q]",
            "            k_step(STEP, V, T, times[step], _dt, _t0, _tf, _saveper)",
            "            k_finish(SAVE, V, OP, save_index[step], i0, nb, N, 1 if step < n_steps else 0, _dt)",
            "        for b in range(nb):", f"            F[0, i0 + b] = V[{slots.total * width} + b]",
            "            F[1, i0 + b] = 0.0     # the sum of the final state (finite iff each value is, bar overflow)",
            f"            for q in range({n_state}):",
            f"                {state.format(i='i0 + b')} = V[q * {width} + b]",
            f"                F[1, i0 + b] += V[q * {width} + b]",
            "    return 0"]


def fuse(equations, saved=()):
    """``equations`` (generate.py: ``(lines, ids read, id, derivative?)``) with consecutive equations over
    the same elements merged into one loop over them, where that computes the same: a later one reads
    the earlier ones' values only at its own element ``k``. In one loop the compiler computes a value
    common to several equations once (e.g. a DELAY N stage's outflow, which the next stage's inflow
    repeats) and keeps it in registers. A merged entry has a fifth item: what it computes, in order."""
    merged = []
    for equation in equations:
        head, body = _split(equation[0])
        last = merged[-1] if merged else None
        if head is not None and last is not None and last[5] == head and _reads_own_element(body, last[4]):
            last[0].extend(body)
            last[1].update(equation[1])
            last[4].append((equation[2], equation[3]))
        else:
            merged.append([list(equation[0]), set(equation[1]), equation[2], equation[3],
                           [(equation[2], equation[3])], head])
    for m in merged:
        if len(m[4]) > 1:
            m[0] = _registers(m, merged, saved)
    return [tuple(m[:5]) for m in merged]


def _registers(group, merged, saved):
    """The lines of a merged loop with the values only it reads (at ``k``; not saved) kept in locals:
    registers, not stores to and loads from the block."""
    lines = group[0]
    for vid, derivative in group[4]:
        if derivative or vid in saved or any(vid in other[1] for other in merged if other is not group):
            continue
        lines = [re.sub(rf"\bv_{re.escape(vid)}\[k\]", f"_l_{vid}", line) for line in lines]
    return lines


def _split(lines):
    """(the element loops' header lines up to ``k = ...``, the rest) of a subscripted equation; (None, lines) else."""
    for index, line in enumerate(lines):
        if line.lstrip().startswith("k = "):
            return (tuple(lines[:index + 1]) if all(x.lstrip().startswith("for k") for x in lines[:index]) else None,
                    lines[index + 1:])
    return None, lines


def _reads_own_element(body, computed):
    """Whether ``body`` reads each value of ``computed`` (``(id, derivative?)``) only at element ``k``."""
    text = "\n".join(body)
    return all(index == "k" for vid, derivative in computed if not derivative
               for index in re.findall(rf"\bv_{re.escape(vid)}\[([^\]]*)\]", text))


def _runs(advanced, clipped):
    """``advanced`` slots as runs ``(first, stop, clipped?)`` of consecutive slots alike."""
    runs = []
    for q in sorted(advanced):
        clip = q in clipped
        if runs and runs[-1][1] == q and runs[-1][2] == clip:
            runs[-1][1] = q + 1
        else:
            runs.append([q, q + 1, clip])
    return runs


def _loop(name, count, body):
    """IR of ``for %name in range(count): body`` (``body`` lines, in blocks of their own)."""
    return [f"  br label %{name}.pre", f"{name}.pre:", f"  br label %{name}.head", f"{name}.head:",
            f"  %{name} = phi i64 [0, %{name}.pre], [%{name}.next, %{name}.latch]",
            f"  %{name}.more = icmp slt i64 %{name}, {count}",
            f"  br i1 %{name}.more, label %{name}.body, label %{name}.end", f"{name}.body:"] + body + [
            f"  br label %{name}.latch", f"{name}.latch:", f"  %{name}.next = add i64 %{name}, 1",
            f"  br label %{name}.head", f"{name}.end:"]
