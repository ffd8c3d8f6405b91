#!/usr/bin/env python3
"""workshop_midpoint.py - the workshop's midpoint-rule pi: its serial loop or its Pool.starmap(partialPi), timed.

Usage: bench/workshop_midpoint.py [STEPS] [--processes P] [--json]   (default 4e6 steps)
Without --processes: the serial version; with P: the parallel version, partialPi on a Pool of P
processes, timed from before the Pool starts (as the workshop times it) to the sum.
Both are the workshop's code (seeds 000/001) as written, only wrapped in functions.
"""
import multiprocessing
from timeit import default_timer as timer

import workshop_common


def serial(nSteps):
    # Estimate pi by summing our formula over nSteps
    pi = 0.0

    for i in range(nSteps):
        x = (i + 0.5) / nSteps
        pi += 4.0 / (1.0 + x * x)

    pi /= nSteps
    return pi


def partialPi(rank, numProcesses, nSteps):
    partial = 0.0

    # The loop is setup so that each process will only sum it's own chunk
    # of numbers as we calculate the partial answer.
    for i in range(rank, nSteps, numProcesses):
        x = (i + 0.5) / nSteps
        partial += 4.0 / (1.0 + x**2)

    partial /= nSteps

    return partial


def parallel(nSteps, numProcesses):
    inputs = [(rank, numProcesses, nSteps) for rank in range(numProcesses)]

    with multiprocessing.Pool(numProcesses) as pool:
        result = pool.starmap(partialPi, inputs)
        pi = sum(result)
    return pi


if __name__ == "__main__":
    n, procs, as_json = workshop_common.parse(__doc__, 4_000_000, "steps")
    start = timer()
    est = parallel(n, procs) if procs else serial(n)
    seconds = timer() - start
    # midpoint rule h^2/12, plus what a plain double sum of n terms in [2, 4] can lose (4n u),
    # plus a few roundings per term (u = 2^-53)
    bound = 1 / (12 * n * n) + (4 * n + 64) * 2.0**-53
    rec = workshop_common.record("midpoint", procs, n, "steps", seconds, est, bound)
    workshop_common.report(rec, as_json,
                           f"workshop python midpoint ({'Pool of %d' % procs if procs else 'serial loop'}): "
                           f"{n} steps in {seconds:.3f} s = {n / seconds / 1e6:.2f} M steps/s (pi ~ {est})")
