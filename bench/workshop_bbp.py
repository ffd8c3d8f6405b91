#!/usr/bin/env python3
"""workshop_bbp.py - the workshop's calc_pi.py (BBP with Decimal), timed as a baseline.

Usage: bench/workshop_bbp.py [DIGITS]   (default 10000; prints seconds and the last digits)
"""
import sys
from decimal import Decimal, getcontext
from timeit import default_timer as timer


def pi(precision):
    getcontext().prec = precision
    return sum(1/Decimal(16)**k *
               (Decimal(4)/(8*k+1) -
                Decimal(2)/(8*k+4) -
                Decimal(1)/(8*k+5) -
                Decimal(1)/(8*k+6)) for k in range(precision))


if __name__ == "__main__":
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10000
    start = timer()
    value = pi(n)
    end = timer()
    print(f"{end - start:.3f} {str(value)[-20:]}")
