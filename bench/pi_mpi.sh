#!/usr/bin/env bash
# pi_mpi.sh - one pi method through mpirun: 1 rank, 2 ranks, 1 rank x 2 threads, side by side.
# Usage: bench/pi_mpi.sh METHOD SIZE [extra pi options]   (run by make bench-*)
set -u
PI=${PI:-bin/pi}
export MPIRUN=${MPIRUN:-mpirun}           # any MPI's launcher: slurm/mpilaunch speaks its dialect
LAUNCH=$(dirname "$0")/../slurm/mpilaunch
method=${1:?usage: pi_mpi.sh METHOD SIZE}
n=${2:?usage: pi_mpi.sh METHOD SIZE}
shift 2
extra=("$@")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

field() { sed -n 's/.*"'"$1"'": \([^,}]*\).*/\1/p'; }

echo "pi $method -n $n ${extra[*]} through mpirun: best of 3 runs (includes the MPI reduction)"
printf '%-24s %10s %16s %12s\n' layout seconds "M units/s/core" efficiency
base=""
for layout in "1 1" "2 1" "1 2"; do
    set -- $layout
    out=$("$LAUNCH" --oversubscribe -np "$1" --bind "$2" "$PI" "$method" -n "$n" \
        --threads "$2" --repeat 3 --json "${extra[@]}") || { echo "run failed: np=$1 threads=$2"; exit 1; }
    s=$(field seconds <<<"$out")
    rate=$(sed -n 's/.*_per_second": \([^,}]*\).*/\1/p' <<<"$out")
    rate=$(awk -v r="$rate" -v c=$(($1 * $2)) 'BEGIN { print r / c / 1e6 }')
    [ -z "$base" ] && base=$rate
    printf '%-24s %10.4f %16.1f %11.1f%%\n' "$1 rank(s) x $2 thread(s)" "$s" "$rate" \
        "$(awk -v r="$rate" -v b="$base" 'BEGIN { print 100 * r / b }')"
done
