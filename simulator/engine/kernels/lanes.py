"""Fused kernels, blocks of scenarios as lanes: the kernel's driver, its native save, the Euler update.

Used by ``kernels/generate.py`` when the step lowers for a block (``lowering.step_ir(..., width)``):
a block of :func:`lanes_for` scenarios is held as a structure of arrays, value ``q`` of lane ``b``
at ``V[q * lanes + b]``, and every double of the step is a vector of :data:`WIDTH` lanes. The
element loops of a subscripted equation stay loops; inside them each operation works on 8
scenarios at once (the scenarios innermost, contiguous, with no call per scenario). Equations over
the same elements share one loop (:func:`fuse`), and each stock's derivative becomes its next value
right where it is computed (:func:`advance`: ``D * dt + S``, then the non-negative clip, the numpy
loop's operations lane by lane), written to the block's second copy of the stocks; the copies swap
roles each step (``flip``). Per time step the numba driver (:func:`driver`) sets the levers and
makes two calls for the whole block: the step, then :func:`finish_ir`'s function, which saves the
outputs of the block's real scenarios and sums them. A last, partial block fills its spare lanes
with copies of its last scenario, and nothing is saved from them.
"""

from __future__ import annotations

import re

from simulator.engine.kernels.prelude import Types

LANE_BYTES = 1 << 19
"""Bytes the block's values may take (the values of all its lanes, read and written every step: in L2)."""
WIDTH = 8
"""Lanes of one vector operation (8 doubles: one AVX-512 register, two AVX2 ones)."""
MAX_LANES = 256


def lanes_for(n_values, most=MAX_LANES, budget=LANE_BYTES):
    """Scenarios per block: a power of two from :data:`WIDTH` to ``most``, as many as ``budget`` bytes
    allow for ``n_values`` floats per scenario (more lanes: fewer calls per scenario and step, longer
    contiguous saves). The row and structure-of-arrays kernels of ``generate.py`` use it too."""
    lanes = most
    while lanes > WIDTH and lanes * n_values * 8 > budget:
        lanes //= 2
    return lanes


def finish_ir(name, saved, n_state, width, total, kept=()):
    """``void name(ptr V, ptr O, i64 isave, i64 i0, i64 nb, i64 n, i64 flip)``: when ``isave >= 0``, the
    ``saved`` values (``(first slot, element count or None)``; a stock's from its current copy, which
    ``flip`` says) of lanes ``0 .. nb-1`` to output ``j`` (``O[j]``: a C-contiguous ``(saves, n,
    elements)`` array) at ``[isave, i0 + b]``, and their sum added to each lane's in slot ``total``
    (finite iff every value saved is, bar overflow: the run's non-finite check, done here while the
    values are in cache)."""
    D = Types(WIDTH).D
    lines = [f"define void {name}(ptr noalias %V, ptr noalias %O, i64 %isave, i64 %i0, i64 %nb, i64 %n, "
             "i64 %flip, i64 %kept) nounwind {", "entry:", "  %copy = icmp eq i64 %kept, 0", "  %dosave = icmp sge i64 %isave, 0",
             "  br i1 %dosave, label %save, label %end", "save:", "  %row = mul i64 %isave, %n",
             "  %at = add i64 %row, %i0", f"  %fs = mul i64 %flip, {n_state * width}",
             "  %Vs = getelementptr inbounds double, ptr %V, i64 %fs"]
    for j, (start, size) in enumerate(saved):
        base = "%Vs" if start < n_state else "%V"
        lines += [f"  %a{j} = getelementptr inbounds ptr, ptr %O, i64 {j}", f"  %o{j} = load ptr, ptr %a{j}"]
        if size is None:        # one value: the lanes are the output's next nb scenarios
            lines += [f"  %s{j} = getelementptr inbounds double, ptr {base}, i64 {start * width}",
                      f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %at", f"  %c{j} = mul i64 %nb, 8",
                      f"  call void @llvm.memcpy.p0.p0.i64(ptr %d{j}, ptr %s{j}, i64 %c{j}, i1 false)"]
        elif j in kept:         # saved by the step when %kept (lanes.keep)
            lines += [f"  br i1 %copy, label %k{j}, label %k{j}.end", f"k{j}:"] + _transpose(j, start, size, width, base) + [
                f"  br label %k{j}.end", f"k{j}.end:"]
        else:
            lines += _transpose(j, start, size, width, base)
    for j, (start, size) in enumerate(saved):
        lines += _loop(f"t{j}", str((size or 1) * width // WIDTH), [
            f"  %tv{j} = mul i64 %t{j}, {WIDTH}", f"  %tw{j} = add i64 %tv{j}, {start * width}",
            f"  %tp{j} = getelementptr inbounds double, ptr {'%Vs' if start < n_state else '%V'}, i64 %tw{j}",
            f"  %tx{j} = load {D}, ptr %tp{j}, align 8",
            f"  %tc{j} = urem i64 %tv{j}, {width}", f"  %ta{j} = add i64 %tc{j}, {total * width}",
            f"  %tq{j} = getelementptr inbounds double, ptr %V, i64 %ta{j}", f"  %ty{j} = load {D}, ptr %tq{j}, align 8",
            f"  %tz{j} = fadd {D} %ty{j}, %tx{j}", f"  store {D} %tz{j}, ptr %tq{j}, align 8"])
    return "\n".join(lines + ["  br label %end", "end:", "  ret void", "}"])


def _transpose(j, start, size, width, base):
    """IR copying ``size`` elements of lanes ``0 .. nb-1`` from ``base`` to output ``j``: the elements of a
    scenario are contiguous in the output (a transpose)."""
    return _loop(f"b{j}", "%nb", [
        f"  %sc{j} = add i64 %at, %b{j}", f"  %so{j} = mul i64 %sc{j}, {size}",
        f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %so{j}",
        f"  %s{j} = getelementptr inbounds double, ptr {base}, i64 %b{j}",
    ] + _loop(f"e{j}", str(size), [
        f"  %ve{j} = mul i64 %e{j}, {width}", f"  %vi{j} = add i64 %ve{j}, {start * width}",
        f"  %vp{j} = getelementptr inbounds double, ptr %s{j}, i64 %vi{j}", f"  %x{j} = load double, ptr %vp{j}",
        f"  %op{j} = getelementptr inbounds double, ptr %d{j}, i64 %e{j}", f"  store double %x{j}, ptr %op{j}"]))


def keep(equations, saved):
    """(``equations`` with a ``_keep(j, size, k, value)`` line wherever element ``k`` of a subscripted
    output ``j`` (``saved``: ``(id, (slot, size))`` in output order) is at hand: before a stock's
    next value is written (its current value), after an auxiliary's value; the outputs kept). An
    output qualifies only where every line writing it is in an element loop at ``[k]``: then each
    element is kept exactly once per step. The step saves them itself (:func:`keep_ir`) while their
    values are in registers; the finish (``kept``) still saves them for a partial block."""
    at = {vid: j for j, (vid, (_, size)) in enumerate(saved) if size is not None}
    found, refused = set(), set()
    for lines, *_ in equations:
        head = _split(lines)[0]
        for line in lines:
            match = _WRITE.match(line)
            if match and match.group(2) in at:
                (found if head is not None and match.group(3) == "[k]" else refused).add(match.group(2))
    kept = found - refused
    out = []
    for equation in equations:
        new = []
        for line in equation[0]:
            match = _WRITE.match(line)
            vid = match.group(2) if match else None
            if vid in kept and vid in at:
                keep_line = f"{line[:len(line) - len(line.lstrip())]}_keep({at[vid]}, {saved[at[vid]][1][1]}, k, v_{vid}[k])"
                new += [keep_line, line] if match.group(1) == "d" else [line, keep_line]
            else:
                new.append(line)
        out.append((new,) + tuple(equation[1:]))
    return out, {at[vid] for vid in kept}


_WRITE = re.compile(r"^\s*([dv])_(\w+)(\[[^\]]*\])? = ")


def keep_ir(function, j, size, k, value):
    """IR of ``_keep(j, size, k, value)`` in a part (``lowering._Function``): when ``%sat >= 0`` (the
    first scenario of the block in the output's save row: the driver passes it for full blocks only),
    the chunk's lanes of ``value`` to output ``j`` (``%O<j>``) at element ``k`` of their scenarios."""
    (_, element), x, label = function.expr(k), function.double(value), function.tmp()[1:]
    go = function.emit("icmp sge i64 %sat, 0")
    lines = [f"  br i1 {go}, label %{label}.s, label %{label}.e", f"{label}.s:"]
    lines += [f"  %{label}.i = add i64 %sat, %c.at", f"  %{label}.r = mul i64 %{label}.i, {size.value}",
              f"  %{label}.k = add i64 %{label}.r, {element}",
              f"  %{label}.p = getelementptr inbounds double, ptr %O{j.value}, i64 %{label}.k"]
    for lane in range(function.width):
        lines += [f"  %{label}.x{lane} = extractelement {function.D} {x}, i64 {lane}",
                  f"  %{label}.p{lane} = getelementptr inbounds double, ptr %{label}.p, i64 {lane * size.value}",
                  f"  store double %{label}.x{lane}, ptr %{label}.p{lane}"]
    return lines + [f"  br label %{label}.e", f"{label}.e:"]


def advance(equations, clipped):
    """``equations`` with each stock's derivative turned into its next value, ``D * dt + S`` (0 if
    negative, for a stock in ``clipped``), written where the derivative was: the block's next copy of
    the stocks (``lowering.step_ir``, ``state``). The same operations as the numpy loop's update, done
    while the derivative is in a register: no separate pass over the block; the two copies swap roles
    each step. A pruned stock's derivative 0 gives its value back (as the numpy loop's ``0 * dt + S``)."""
    advanced = []
    for lines, used, vid, derivative in equations:
        if not derivative:
            advanced.append((lines, used, vid, derivative))
            continue
        new = []
        for line in lines:
            match = re.match(rf"^(\s*)d_{re.escape(vid)}(\[[^\]]*\])? = (.*)$", line)
            if match is None:
                new.append(line)
                continue
            indent, index, code = match.group(1), match.group(2) or "", match.group(3)
            value = f"({code}) * _dt + v_{vid}{index}"
            new += ([f"{indent}_u = {value}", f"{indent}d_{vid}{index} = 0.0 if _u < 0.0 else _u"] if vid in clipped
                    else [f"{indent}d_{vid}{index} = {value}"])
        advanced.append((new, used | {vid}, vid, derivative))
    return advanced


def driver(args, slots, scenario_major, width):
    """Lines of the numba kernel ``_kernel(args)`` over blocks of ``width`` lanes (``slots``: generate.Slots)."""
    n_state, (s0, s1), (l0, l1) = slots.n_state, slots.static_range, slots.lever_range
    state = "S[{i}, q]" if scenario_major else "S[q, {i}]"
    return ["", "", "@njit(cache=True, error_model='numpy', nogil=True)", f"def _kernel({args}):",
            "    N = S.shape[0]" if scenario_major else "    N = S.shape[1]",
            f"    V = np.empty({(slots.total + 1) * width})     # and the lanes' sums of saved values",
            f"    for i0 in range(0, N, {width}):",
            f"        nb = min({width}, N - i0)",
            "        flip = 0     # which copy of the stocks is the current one (lowering.step_ir, state)",
            f"        for b in range({width}):     # spare lanes of a last block: copies of its last scenario",
            "            i = i0 + min(b, nb - 1)",
            f"            for q in range({n_state}):     # the stocks' initial values (fused.initial_values)",
            "                A = I[IU[q]]",
            f"                V[q * {width} + b] = A[i if A.shape[0] > 1 else 0, IC[q]]",
            f"            for q in range({s1 - s0}):", f"                V[({s0} + q) * {width} + b] = P[i, q]",
            f"            V[{slots.total * width} + b] = 0.0",
            "        for step in range(n_steps + 1):     # the last pass only saves the final time",
            f"            for q in range({l1 - l0}):",
            f"                for b in range({width}):",
            f"                    V[({l0} + q) * {width} + b] = L[step, i0 + min(b, nb - 1), q]",
            "            isave = save_index[step]",
            f"            sat = isave * N + i0 if isave >= 0 and nb == {width} else -1     # full blocks: the step saves (keep)",
            "            k_block(STEP, V, T, OP, times[step], _dt, _t0, _tf, _saveper, flip, sat)",
            "            k_finish(SAVE, V, OP, isave, i0, nb, N, flip, 1 if sat >= 0 else 0)",
            "            if step < n_steps:", "                flip = 1 - flip",
            "        for b in range(nb):", f"            F[0, i0 + b] = V[{slots.total * width} + b]",
            "            F[1, i0 + b] = 0.0     # the sum of the final state (finite iff each value is, bar overflow)",
            f"            for q in range({n_state}):",
            f"                F[1, i0 + b] += V[(flip * {n_state} + q) * {width} + b]",
            "            if not np.isfinite(F[1, i0 + b]):     # S: the final state where simulate.py looks (else 0)",
            f"                for q in range({n_state}):",
            f"                    {state.format(i='i0 + b')} = V[(flip * {n_state} + q) * {width} + b]",
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


def _loop(name, count, body):
    """IR of ``for %name in range(count): body`` (``body`` lines, in blocks of their own)."""
    return [f"  br label %{name}.pre", f"{name}.pre:", f"  br label %{name}.head", f"{name}.head:",
            f"  %{name} = phi i64 [0, %{name}.pre], [%{name}.next, %{name}.latch]",
            f"  %{name}.more = icmp slt i64 %{name}, {count}",
            f"  br i1 %{name}.more, label %{name}.body, label %{name}.end", f"{name}.body:"] + body + [
            f"  br label %{name}.latch", f"{name}.latch:", f"  %{name}.next = add i64 %{name}, 1",
            f"  br label %{name}.head", f"{name}.end:"]
