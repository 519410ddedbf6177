"""Fused kernels, native step: LLVM IR text (``lowering.py``) → machine code, cached on disk, loaded.

Called by ``kernels/fused.py`` for a kernel whose step was lowered to IR. llvmlite (numba's own
dependency) optimises the IR at :data:`OPT_LEVEL` for the host CPU and writes an object file
``s_<hash>.o`` beside the generated kernels (the hash covers the IR, the CPU and llvmlite's LLVM
version); a later process loads that file instead of compiling. The object is linked into one
MCJIT engine per process, with the numba ``cfunc`` helpers of ``runtime.py`` as symbols, and the
address of its ``step`` function is passed to the numba kernel, which calls it per scenario and
step (``runtime.k_step``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import threading
from pathlib import Path

from simulator.engine.kernels.lowering import ENTRY, SAVE

OPT_LEVEL = 2
"""LLVM's optimisation level for the step, with the loop vectoriser (numba's final pipeline is -O3 with it;
measured: -O3 compiles slower and runs no faster; without the vectoriser the population sample runs 1.6x slower)."""
_STATE = {}
_LOCK = threading.Lock()


def addresses(ir_text: str, directory: Path) -> tuple:
    """Addresses of the compiled step and save functions of ``ir_text`` (compiled, or loaded from ``directory``)."""
    with _LOCK:     # one engine per process; runs may start in threads
        return _addresses(ir_text, directory)


def _addresses(ir_text, directory):
    llvm = _llvm()
    machine = _STATE["machine"]
    identity = "\n".join([ir_text, machine.cpu, machine.features, str(llvm.llvm_version_info), f"O{OPT_LEVEL}+loop-vectorize"])
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    if digest in _STATE["loaded"]:
        return _STATE["loaded"][digest]
    name, save = f"plansim_step_{digest}", f"plansim_save_{digest}"
    path = Path(directory) / f"s_{digest}.o"
    if path.exists():
        data = path.read_bytes()
    else:
        data = _compile(ir_text.replace(ENTRY, f"@{name}").replace(SAVE, f"@{save}"), machine)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    obj = llvm.ObjectFileRef.from_data(data)
    engine = _STATE["engine"]
    engine.add_object_file(obj)
    engine.finalize_object()
    _STATE.setdefault("objects", []).append(obj)
    found = (engine.get_function_address(name), engine.get_function_address(save))
    if not all(found):
        raise RuntimeError(f"kernel step {name} not found in {path}")
    _STATE["loaded"][digest] = found
    return found


def _compile(text, machine):
    llvm = _llvm()
    module = llvm.parse_assembly(text)
    module.triple = machine.tm.triple
    module.data_layout = str(machine.tm.target_data)
    module.verify()
    options = llvm.create_pipeline_tuning_options(speed_level=OPT_LEVEL)
    options.loop_vectorization = True
    options.slp_vectorization = False
    builder = llvm.create_pass_builder(machine.tm, options)
    builder.getModulePassManager().run(module, builder)
    return machine.tm.emit_object(module)


class _Machine:
    def __init__(self, llvm):
        self.cpu, self.features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
        target = llvm.Target.from_triple(llvm.get_process_triple())
        self.tm = target.create_target_machine(cpu=self.cpu, features=self.features, opt=OPT_LEVEL,
                                               codemodel="jitdefault", jit=True)


def _llvm():
    """llvmlite's binding, the host target machine and the process's engine (made once)."""
    import llvmlite.binding as llvm

    if "engine" not in _STATE:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _symbols(llvm)
        machine = _Machine(llvm)
        empty = llvm.parse_assembly("")
        empty.triple = machine.tm.triple
        _STATE.update(machine=machine, engine=llvm.create_mcjit_compiler(empty, machine.tm), loaded={})
    return llvm


def _symbols(llvm):
    """The helpers the IR declares: numba cfuncs of runtime.py and libm's functions."""
    from simulator.engine.kernels import runtime

    for name, function in runtime.CFUNCS.items():
        llvm.add_symbol(f"plansim_{name}", function.address)
    names = ("tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "pow", "sin", "cos", "trunc")
    missing = [name for name in names if not llvm.address_of_symbol(name)]
    if missing:     # not in the process's namespace: take them from the C maths library
        libm = ctypes.CDLL(ctypes.util.find_library("m") or ctypes.util.find_library("c"))
        for name in missing:
            llvm.add_symbol(name, ctypes.cast(getattr(libm, name), ctypes.c_void_p).value)
