#!/usr/bin/env bash
# midpoint_mpi.sh - the pi driver itself at n = 1e10: 1 rank, 2 ranks, 1 rank x 2 threads, side by side.
# Usage: bench/midpoint_mpi.sh [STEPS]   (run by `make bench-midpoint`)
set -u
PI=${PI:-bin/pi}
MPIRUN=${MPIRUN:-mpirun}
n=${1:-1e10}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

field() { sed -n 's/.*"'"$1"'": \([^,}]*\).*/\1/p'; }

echo "pi midpoint -n $n through mpirun: best of 3 runs (includes the MPI reduction)"
printf '%-22s %10s %18s %12s\n' layout seconds "G steps/s/core" efficiency
base=""
for layout in "1 1" "2 1" "1 2"; do
    set -- $layout
    out=$("$MPIRUN" --oversubscribe -np "$1" --map-by "slot:PE=$2" "$PI" midpoint -n "$n" --threads "$2" --repeat 3 --json) ||
        { echo "run failed: np=$1 threads=$2"; exit 1; }
    s=$(field seconds <<<"$out")
    rate=$(awk -v r="$(field steps_per_second <<<"$out")" -v c=$(($1 * $2)) 'BEGIN { print r / c / 1e9 }')
    [ -z "$base" ] && base=$rate
    printf '%-22s %10.4f %18.3f %11.1f%%\n' "$1 rank(s) x $2 thread(s)" "$s" "$rate" \
        "$(awk -v r="$rate" -v b="$base" 'BEGIN { print 100 * r / b }')"
done
