"""workshop_map.py - the workshop's Python on map's text benchmark: one process, float() and repr() of celsius, file to file."""
import os
import sys
import time


def main():
    src, dst = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    with open(src) as f, open(dst, 'w') as out:
        out.writelines(repr((float(line) - 32.0) * (5.0 / 9.0)) + '\n' for line in f)
        out.flush()
        os.fsync(out.fileno())
    print('%.4f' % (time.perf_counter() - t0))


if __name__ == '__main__':
    main()
