"""workshop_common.py - what the workshop baselines share: their command line and their JSON record.

The record has the keys of `pi --json` that bench/scale reads (method, n, ranks, threads,
workers, hosts, cpus, host, pi, seconds, <unit>_per_second, check, build), so the workshop's
Python sits in the same table as the C runs: a Pool of P processes is P ranks of 1 thread.
"""
import argparse
import json
import math
import os
import platform
import socket


def parse(doc, default_n, unit):
    """Command line: N (default default_n, 1e6 style accepted), --processes P, --json."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("n", nargs="?", default=default_n, help=f"{unit} (default {default_n:g})")
    ap.add_argument("--processes", type=int, default=0,
                    help="P > 0: the workshop's Pool version with P processes (default: its serial loop)")
    ap.add_argument("--json", action="store_true", help="one JSON record like pi --json")
    a = ap.parse_args()
    try:
        n = int(float(a.n)) if isinstance(a.n, str) else int(a.n)
    except ValueError:
        ap.error(f"invalid {unit} '{a.n}'")
    if n < 1 or a.processes < 0:
        ap.error("sizes and --processes must be positive")
    return n, a.processes, a.json


def record(method, processes, n, unit, seconds, estimate, bound):
    """The JSON record of one timed run; check passes when |estimate - pi| <= bound."""
    bound *= float(os.environ.get("PI_CHECK_SCALE", "1"))
    err = abs(estimate - math.pi)
    p = max(processes, 1)
    return {
        "method": f"{method}-python-{'pool' if processes else 'loop'}",
        "n": n, "ranks": p, "threads": 1, "workers": p, "hosts": 1,
        "cpus": len(os.sched_getaffinity(0)), "host": socket.gethostname(),
        "pi": estimate, "abs_error": err, "error_bound": bound,
        "seconds": seconds, "seconds_median": seconds, "repeat": 1,
        f"{unit}_per_second": n / seconds, "check": "pass" if err <= bound else "fail",
        "build": {"compiler": f"{platform.python_implementation()} {platform.python_version()}",
                  "git": "unknown"},
    }



def report(rec, as_json, text):
    """Print the record as one JSON line (--json), else the human line text."""
    print(json.dumps(rec) if as_json else text)
