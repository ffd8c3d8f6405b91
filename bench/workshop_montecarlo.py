#!/usr/bin/env python3
"""workshop_montecarlo.py - the workshop's Monte Carlo pi: monte_carlo_pi.py or, with P, monte_carlo_pi_mul.py, timed.

Usage: bench/workshop_montecarlo.py [DARTS] [--processes P] [--json]   (default 2e6; prints darts/s)
Without --processes: the serial loop; with P: pi_part on a Pool of P processes (pool.map over
n/P darts each), timed from before the Pool starts, as the workshop times it.  The workshop
divides by n even when P does not divide it; here the estimate uses the darts thrown.
"""
import multiprocessing
import random as rnd
from math import sqrt
from random import random, seed
from timeit import default_timer as timer

import workshop_common


def pi(n):
    count = 0
    for i in range(n):
        x, y = random(), random()
        r = sqrt(pow(x, 2) + pow(y, 2))
        if r < 1:
            count += 1
    return 4 * count / n


def pi_part(n):
    count = 0
    for i in range(int(n)):
        x, y = rnd.random(), rnd.random()
        r = sqrt(pow(x, 2) + pow(y, 2))
        if r < 1:
            count += 1
    return count


def pi_pool(n, np):
    part_count = [n / np for i in range(np)]
    with multiprocessing.Pool(processes=np) as pool:
        count = pool.map(pi_part, part_count)
        darts = np * int(n / np)
        return sum(count) / (darts * 1.0) * 4, darts


if __name__ == "__main__":
    n, procs, as_json = workshop_common.parse(__doc__, 2_000_000, "samples")
    seed(1)
    start = timer()
    est, n = pi_pool(n, procs) if procs else (pi(n), n)
    seconds = timer() - start
    p = 3.141592653589793 / 4                   # 6 sigma, as pi montecarlo's self-check
    bound = 6 * 4 * sqrt(p * (1 - p) / n)
    rec = workshop_common.record("montecarlo", procs, n, "samples", seconds, est, bound)
    workshop_common.report(rec, as_json,
                           f"workshop python: {n} darts in {seconds:.3f} s = "
                           f"{n / seconds / 1e6:.2f} M darts/s (pi ~ {est})")
