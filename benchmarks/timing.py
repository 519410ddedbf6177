"""Shared by the benchmark scripts (beside the data flow): wall-clock timing helpers."""

import time


def best_of(repeats: int, call) -> float:
    """Fastest wall time of ``repeats`` calls of ``call()`` (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)
