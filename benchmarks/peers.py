"""Peer benchmark (beside the data flow): plansim beside SDEverywhere's generated C and hand-written C loops.

For teacup, SIR and the subscripted population model of the SD test-models suite, N scenarios
(default 10,000) each vary one constant (the same constants and ranges as benchmarks/engine.py) and
return the main stock at every saved step into fresh memory. Measured side by side in one run:

- plansim, numpy program and fused kernel (``model.run(..., return_columns=[main stock])``, the
  kernel compiled before timing);
- a hand-written C loop over scenarios (structure of arrays: the scenario loop innermost, so gcc
  vectorises it; population: blocks of 8 scenarios through all their steps, each value a gcc vector
  of the 8, the town loop outside, one division per stage), ``gcc -O3 -march=native``: the floor a
  generated kernel can hope for. Its output is checked against plansim's (relative difference of the
  sums < 1e-9);
- SDEverywhere's C: the model compiled to C by ``@sdeverywhere/compile`` (npm, version
  ``--sde-version``), linked with SDEverywhere's runtime C files (``packages/cli/src/c`` of the
  SDEverywhere repository at the tag ``compile-v<version>``, given by ``--sde-runtime`` or
  ``$PLANSIM_SDE_RUNTIME``) and a driver calling ``runModel`` once per scenario, same gcc flags.
  SDEverywhere has no DELAY N, so the population model is given to it with the DELAY N written out
  as its 8 stage stocks (the same equations plansim lowers it to).

Prints µs per scenario (best of ``--rounds`` rounds of ``--repeats`` runs each), ratios, and the
load average: the machine may be shared. Skips with one line when gcc (whole script) or node /
the SDEverywhere files (that column) are missing.

Usage::

    python benchmarks/peers.py                            # N = 10,000
    python benchmarks/peers.py --n 1000 --models teacup
    PLANSIM_SDE_RUNTIME=~/SDEverywhere/packages/cli/src/c python benchmarks/peers.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))      # this checkout's simulator
sys.path.insert(0, str(Path(__file__).resolve().parent))   # the benchmarks' shared helpers
from timing import best_of  # noqa: E402
SUITE_ROOT = Path(os.environ.get("PLANSIM_TEST_MODELS", REPO_ROOT.parent / "shared" / "test-models"))
CFLAGS = ["-O3", "-march=native"]

MODELS = {  # key: (suite path, constant varied, low, high, main stock)
    "teacup": ("samples/teacup/teacup.mdl", "Characteristic Time", 5.0, 15.0, "Teacup Temperature"),
    "sir": ("samples/SIR/SIR.mdl", "Contact Infectivity", 0.2, 0.4, "Infectious"),
    "population": ("samples/Population/Subscripted Population Model.mdl", "Lifespan", 60.0, 80.0, "Population"),
}

_TIMER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/mman.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
/* The outputs: fresh memory with transparent huge pages advised, as numpy does for large arrays
   (4 KiB page faults on ~600 MB of population outputs would cost the C loops ~25 µs per scenario). */
static double *output(size_t count) {
    size_t bytes = (sizeof(double) * count + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    double *x = aligned_alloc(2u << 20, bytes);
    madvise(x, bytes, MADV_HUGEPAGE);
    return x;
}
static double *read_doubles(const char *path, long count) {
    double *x = malloc(sizeof(double) * (count > 0 ? count : 1));
    FILE *f = fopen(path, "rb");
    if (!f || fread(x, sizeof(double), count, f) != (size_t)count) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
    fclose(f);
    return x;
}
"""

# Hand loops: the scenario loop innermost (structure of arrays), outputs time-major like plansim's.
HAND = {
    "teacup": r"""
static double *simulate(long N, const double *ct, const double *extra, long M, long steps, double dt) {
    double *out = output(N * (steps + 1));
    double *T = malloc(sizeof(double) * N);
    for (long s = 0; s < N; s++) T[s] = 180.0;
    for (long j = 0; j <= steps; j++) {
        double *o = out + j * N;
        for (long s = 0; s < N; s++) {
            o[s] = T[s];
            T[s] += dt * -((T[s] - 70.0) / ct[s]);
        }
    }
    free(T);
    return out;
}
""",
    "sir": r"""
static double *simulate(long N, const double *ci, const double *extra, long M, long steps, double dt) {
    double *out = output(N * (steps + 1));
    double *S = malloc(sizeof(double) * N), *I = malloc(sizeof(double) * N), *R = malloc(sizeof(double) * N);
    for (long s = 0; s < N; s++) { S[s] = 1000.0; I[s] = 5.0; R[s] = 0.0; }
    for (long j = 0; j <= steps; j++) {
        double *o = out + j * N;
        for (long s = 0; s < N; s++) {
            o[s] = I[s];
            double succumbing = S[s] * I[s] / 1000.0 * ci[s], recovering = I[s] / 5.0;
            S[s] += dt * -succumbing;
            I[s] += dt * (succumbing - recovering);
            R[s] += dt * recovering;
        }
    }
    free(S); free(I); free(R);
    return out;
}
""",
    "population": r"""
#define ORDER 8
#define W 8
typedef double lanes __attribute__((vector_size(8 * W)));      /* W scenarios: one vector (gcc vector extension) */
/* A block of W scenarios at a time, through all its steps (its values stay in cache), each value held
   as [town] of W lanes: the town loop outside, the scenarios innermost (explicit SIMD, contiguous).
   The same operations as plansim in the same order; the last stage's outflow (the deaths) computed once. */
static double *simulate(long N, const double *L, const double *P0, long M, long steps, double dt) {
    double *out = output(N * M * (steps + 1));
    lanes *P = aligned_alloc(64, sizeof(lanes) * M), *X = aligned_alloc(64, sizeof(lanes) * ORDER * M);
    for (long s0 = 0; s0 < N; s0 += W) {
        long nb = N - s0 < W ? N - s0 : W;
        lanes l;
        for (int b = 0; b < W; b++) l[b] = L[s0 + (b < nb ? b : nb - 1)];
        for (long i = 0; i < M; i++) {
            P[i] = P0[i] + (lanes){0};
            for (int k = 0; k < ORDER; k++) X[k * M + i] = P0[i] / l * l;
        }
        for (long j = 0; j <= steps; j++) {
            for (long b = 0; b < nb; b++) {      /* save: a scenario's towns are contiguous in the output */
                double *o = out + (j * N + s0 + b) * M;
                for (long i = 0; i < M; i++) o[i] = P[i][b];
            }
            if (j == steps) break;
            for (long i = 0; i < M; i++) {
                lanes births = 0.1 * P[i], prev = births;
                for (int k = 0; k < ORDER; k++) {
                    lanes here = X[k * M + i] / l;
                    X[k * M + i] += dt * ((prev - here) * ORDER);
                    prev = here;        /* after the last stage: its outflow, the deaths */
                }
                P[i] += dt * (births - prev);
            }
        }
    }
    free(P); free(X);
    return out;
}
""",
}

_MAIN = r"""
int main(int argc, char **argv) {
    long N = atol(argv[1]), M = atol(argv[3]), steps = atol(argv[5]);
    int repeats = atoi(argv[7]);
    double dt = atof(argv[6]);
    double *values = read_doubles(argv[2], N), *extra = read_doubles(argv[4], M);
    double best = 1e300, sum = 0.0;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        double *out = simulate(N, values, extra, M, steps, dt);
        double took = now() - start;
        if (took < best) best = took;
        sum = 0.0;
        for (long k = 0; k < N * (M ? M : 1) * (steps + 1); k++) sum += out[k];
        free(out);
    }
    printf("%.9f %.17g\n", best, sum);
    return 0;
}
"""


def _write(path, array):
    np.asarray(array, dtype=np.float64).tofile(path)
    return str(path)


def _gcc(source, folder, name, extra_sources=(), include=None):
    """Compile ``source`` (plus ``extra_sources``) with gcc -O3 -march=native; the executable's path."""
    c_file = folder / f"{name}.c"
    c_file.write_text(source, encoding="utf-8")
    exe = folder / name
    command = ["gcc", *CFLAGS, "-o", str(exe), str(c_file), *map(str, extra_sources), "-lm"]
    if include:
        command[1:1] = ["-I", str(include)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return exe


class Case:
    """One model: plansim's compiled model, the scenarios' constant values, the run's grid."""

    def __init__(self, key, n):
        path, self.constant, low, high, self.output = MODELS[key]
        import simulator

        self.key, self.path = key, SUITE_ROOT / path
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model = simulator.load_model(self.path)
        self.values = np.linspace(low, high, n)
        self.output_id = self.model.find(self.output).id
        self.time = self.model.time
        self.steps = int(round((self.time.final - self.time.initial) / self.time.dt))
        first = self.model.run(return_columns=[self.output], final_time=self.time.initial, kernel="numpy")
        self.initial = first[self.output_id].values[0, 0]        # the main stock's initial value(s)

    def run(self, kernel, n=None):
        values = self.values if n is None else self.values[:n]
        return self.model.run(params={self.constant: values}, return_columns=[self.output], kernel=kernel)

    def extra(self):
        """What the hand loop needs besides the constant (population: each town's initial population)."""
        return np.atleast_1d(self.initial) if self.key == "population" else np.zeros(0)


def time_c(exe, case, folder, values, repeats):
    """(best seconds, sum of all outputs) of the compiled C program ``exe`` (hand loop or SDE driver)."""
    extra = case.extra()
    result = subprocess.run([str(exe), str(len(values)), _write(folder / "values.bin", values), str(extra.size),
                             _write(folder / "extra.bin", extra), str(case.steps), repr(case.time.dt), str(repeats)],
                            check=True, capture_output=True, text=True)
    seconds, total = result.stdout.split()
    return float(seconds), float(total)


def check_sum(case, kernel, total, n):
    """The C program's sum of outputs against plansim's for the same ``n`` scenarios."""
    ours = float(np.sum(case.run(kernel, n)[case.output_id].values))
    if not abs(ours - total) <= 1e-9 * abs(ours):
        raise SystemExit(f"{case.key}: the C loop's outputs sum to {total!r}, plansim's to {ours!r}: not the same model")


# --- SDEverywhere --------------------------------------------------------------------------------

SDE_DRIVER = _TIMER + r"""
#include "sde.h"
int main(int argc, char **argv) {
    long N = atol(argv[1]), per = atol(argv[3]) ? atol(argv[3]) : 1;
    int repeats = atoi(argv[7]);
    long saves = atol(argv[5]) + 1;
    double *values = read_doubles(argv[2], N);
    double best = 1e300, sum = 0.0;
    for (int r = 0; r < repeats; r++) {
        double start = now();
        double *out = output(N * per * saves);
        for (long s = 0; s < N; s++) runModel(values + s, out + s * per * saves);
        double took = now() - start;
        if (took < best) best = took;
        sum = 0.0;
        for (long k = 0; k < N * per * saves; k++) sum += out[k];
        free(out);
    }
    printf("%.9f %.17g\n", best, sum);
    return 0;
}
"""

_SDE_GENERATE = r"""
import fs from 'fs'
import path from 'path'
import { parseAndGenerate } from '@sdeverywhere/compile'
const [mdlPath, specPath, outPath] = process.argv.slice(2)
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'))
const name = path.basename(mdlPath, '.mdl')
const dir = path.dirname(mdlPath)
const code = await parseAndGenerate(fs.readFileSync(mdlPath, 'utf8'), 'vensim', spec, ['generateC'], dir, name, dir)
fs.writeFileSync(outPath, code)
"""


def expand_delay_n(text):
    """The population model with ``Deaths = DELAY N(Births, Lifespan, Population/Lifespan, 8)`` written
    out as the 8 stage stocks plansim lowers it to (SDEverywhere has no DELAY N)."""
    match = re.search(r"Deaths\[Towns\]\s*=\s*DELAY N\(\s*Births\[Towns\]\s*,\s*Lifespan\s*,\s*"
                      r"Population\[Towns\]\s*/\s*Lifespan\s*,\s*8\s*\)", text)
    if match is None:
        raise SystemExit("population model: its DELAY N equation is not the one this script expands")
    stages = ["Deaths[Towns] = Stage 8[Towns] / Lifespan"]
    for k in range(1, 9):
        inflow = "Births[Towns]" if k == 1 else f"Stage {k - 1}[Towns] / Lifespan"
        stages.append(f"Stage {k}[Towns] = INTEG(({inflow} - Stage {k}[Towns] / Lifespan) * 8, "
                      f"Population[Towns] / Lifespan * Lifespan)")
    return text[:match.start()] + " ~ ~ |\n".join(stages) + text[match.end():]


def build_sde(case, folder, runtime, sde_modules):
    """The SDEverywhere driver's executable for ``case`` (None and a reason when it cannot be built)."""
    text = case.path.read_text(encoding="utf-8", errors="replace")
    if case.key == "population":
        text = expand_delay_n(text)
    mdl = folder / f"{case.key}.mdl"
    mdl.write_text(text, encoding="utf-8")
    outputs = [case.output]
    dims = case.model.variables[case.output_id].dims
    if dims:
        outputs = [f"{case.output}[{e}]" for e in case.model.dimensions[dims[0]]]
    spec = {"inputVarNames": [case.constant], "outputVarNames": outputs}
    (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    script = sde_modules.parent / "plansim_generate.mjs"       # beside node_modules: ESM resolves from there
    script.write_text(_SDE_GENERATE, encoding="utf-8")
    subprocess.run(["node", str(script), str(mdl), str(folder / "spec.json"), str(folder / "model_gen.c")],
                   check=True, capture_output=True, text=True)
    sources = [folder / "model_gen.c"] + [runtime / f for f in ("vensim.c", "model.c", "macros.c")
                                          if (runtime / f).is_file()]
    return _gcc(SDE_DRIVER, folder, f"sde_{case.key}", sources, include=runtime)


def sde_setup(args):
    """(runtime folder, node_modules folder) or a one-line reason SDEverywhere is skipped."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found: SDEverywhere column skipped"
    runtime = args.sde_runtime or os.environ.get("PLANSIM_SDE_RUNTIME")
    if not runtime or not (Path(runtime).expanduser() / "sde.h").is_file():
        return (f"SDEverywhere's runtime C files not found (give --sde-runtime or PLANSIM_SDE_RUNTIME: "
                f"packages/cli/src/c of github.com/climateinteractive/SDEverywhere at tag compile-v{args.sde_version}); "
                "SDEverywhere column skipped")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plansim" / f"sde-{args.sde_version}"
    modules = cache / "node_modules"
    if not (modules / "@sdeverywhere" / "compile").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        # xlsx (read only for spreadsheet data, which these models do not use) is fetched from
        # cdn.sheetjs.com, outside the npm registry: a local stand-in that refuses to read spreadsheets
        stub = cache / "xlsx-stub"
        stub.mkdir(exist_ok=True)
        (stub / "package.json").write_text(json.dumps({"name": "xlsx", "version": "0.20.2", "main": "index.js"}))
        (stub / "index.js").write_text("module.exports = {set_fs() {}, readFile() { throw new Error("
                                       "'spreadsheets are not read in this benchmark') }}\n")
        (cache / "package.json").write_text(json.dumps({
            "name": "plansim-peers-sde", "private": True,
            "dependencies": {"@sdeverywhere/compile": args.sde_version}, "overrides": {"xlsx": "file:./xlsx-stub"}}))
        done = subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return f"npm install @sdeverywhere/compile@{args.sde_version} failed: SDEverywhere column skipped"
    return Path(runtime).expanduser(), modules


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="scenarios (default 10,000)")
    parser.add_argument("--models", default="teacup,sir,population")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best round is kept")
    parser.add_argument("--repeats", type=int, default=3, help="runs per round")
    parser.add_argument("--sde-version", default="0.7.28")
    parser.add_argument("--sde-runtime", help="folder of SDEverywhere's runtime C files (sde.h, vensim.c, model.c)")
    args = parser.parse_args(argv)
    if shutil.which("gcc") is None:
        print("gcc not found: peers benchmark skipped")
        return
    if not SUITE_ROOT.is_dir():
        print(f"SD test-models suite not found at {SUITE_ROOT} (set PLANSIM_TEST_MODELS): peers benchmark skipped")
        return
    sde = sde_setup(args)
    if isinstance(sde, str):
        print(sde)
        sde = None
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"N = {args.n:,}; best of {args.rounds} rounds x {args.repeats}; gcc {' '.join(CFLAGS)}")
    header = ["model", "numpy µs", "fused µs", "SDE C µs", "hand C µs", "fused/hand", "numpy/hand", "SDE/fused",
              "SDE/numpy"]
    print("  ".join(f"{h:>11}" for h in header))
    with tempfile.TemporaryDirectory(prefix="plansim-peers-") as tmp:
        folder = Path(tmp)
        for key in args.models.split(","):
            case = Case(key, args.n)
            hand_exe = _gcc(_TIMER + HAND[key] + _MAIN, folder, f"hand_{key}")
            check_sum(case, "numpy", time_c(hand_exe, case, folder, case.values[:7], 1)[1], 7)
            sde_exe = build_sde(case, folder, *sde) if sde else None
            if sde_exe is not None:
                check_sum(case, "numpy", time_c(sde_exe, case, folder, case.values[:7], 1)[1], 7)
            case.run("fused")      # compile the kernel (and warm both paths) before timing
            times = {"numpy": [], "fused": [], "hand": [], "sde": []}
            for _ in range(args.rounds):
                times["numpy"].append(best_of(args.repeats, lambda: case.run("numpy")))
                times["fused"].append(best_of(args.repeats, lambda: case.run("fused")))
                times["hand"].append(time_c(hand_exe, case, folder, case.values, args.repeats)[0])
                if sde_exe is not None:
                    times["sde"].append(time_c(sde_exe, case, folder, case.values, args.repeats)[0])
            us = {k: (min(v) * 1e6 / args.n if v else float("nan")) for k, v in times.items()}
            row = [key, f"{us['numpy']:.2f}", f"{us['fused']:.2f}", f"{us['sde']:.2f}", f"{us['hand']:.2f}",
                   f"{us['fused'] / us['hand']:.2f}", f"{us['numpy'] / us['hand']:.2f}",
                   f"{us['sde'] / us['fused']:.2f}", f"{us['sde'] / us['numpy']:.2f}"]
            print("  ".join(f"{c:>11}" for c in row), flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
