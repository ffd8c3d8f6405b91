#!/usr/bin/env python3
"""workshop_montecarlo.py - the workshop's serial Monte Carlo pi (monte_carlo_pi.py), timed as a baseline.

Usage: bench/workshop_montecarlo.py [DARTS]   (default 2e6; prints darts/s)
"""
import sys
from math import sqrt
from random import random, seed
from timeit import default_timer as timer


def pi(n):
    count = 0
    for i in range(n):
        x, y = random(), random()
        r = sqrt(pow(x, 2) + pow(y, 2))
        if r < 1:
            count += 1
    return 4 * count / n


if __name__ == "__main__":
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 2_000_000
    seed(1)
    start = timer()
    est = pi(n)
    end = timer()
    print(f"workshop python: {n} darts in {end - start:.3f} s = {n / (end - start) / 1e6:.2f} M darts/s (pi ~ {est})")
