#!/usr/bin/env bash
# bench_pingpong.sh - workshop pingpong beside a plain MPI ping-pong (bench/pingpong_plain.c), in one
# run: one-way latency of small messages and bandwidth of large ones, best of REPS alternating runs.
# Usage: bench/bench_pingpong.sh   (run by make bench-pingpong; needs bin/workshop and the plain program)
set -u
WS=${WS:-bin/workshop}
PLAIN=${PLAIN:-build/bench/pingpong_plain}
MPIRUN=${MPIRUN:-mpirun}
REPS=${REPS:-10}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# table rows only: size latency bandwidth
rows() { awk '/^ *[0-9]+ +[0-9.]+ +[0-9.]+$/ { print $1, $2 }'; }

# sweep MIN MAX ITERATIONS WARMUP: REPS alternating runs of each, rows appended per program
# (small sizes also with the plain program at MPI_THREAD_FUNNELED)
sweep() {
    for r in $(seq "$REPS"); do
        "$MPIRUN" -np 2 "$PLAIN" "$1" "$2" "$3" "$4" | rows >>"$tmp/plain"
        "$MPIRUN" -np 2 "$WS" pingpong --sizes "$1:$2" --iterations "$3" --warmup "$4" | rows >>"$tmp/ws"
        [ "$2" -gt 4096 ] || "$MPIRUN" -np 2 "$PLAIN" "$1" "$2" "$3" "$4" funneled | rows >>"$tmp/funneled"
    done
}
echo "workshop pingpong vs a plain MPI ping-pong, 2 ranks on one host, best of $REPS alternating runs"
echo "(small sizes: 2000 round trips each; large: 100; this machine is shared: numbers are noisy)"
sweep 1 4096 2000 200
sweep 65536 4194304 100 10

# best (lowest) latency per size and program, side by side
awk 'FNR == 1 { f++ } { if (!(($1, f) in b) || $2 < b[$1, f]) b[$1, f] = $2; s[$1] = 1 }
     END { for (n in s) print n, b[n, 1], b[n, 2] }' "$tmp/plain" "$tmp/ws" | sort -n >"$tmp/best"
printf '%10s  %12s  %12s  %9s  %14s  %14s  %9s\n' size_bytes plain_us workshop_us lat_ratio \
    plain_MBps workshop_MBps bw_ratio
awk '{ printf "%10d  %12.3f  %12.3f  %9.3f  %14.1f  %14.1f  %9.3f\n", $1, $2, $3, $3 / $2, $1 / $2, $1 / $3, $2 / $3 }' "$tmp/best"
awk '$1 <= 64 { l += log($3 / $2); nl++ } $1 >= 1048576 { b += log($2 / $3); nb++ }
     END { lr = exp(l / nl); br = exp(b / nb)
           printf "small messages (1-64 B), latency workshop/plain (geometric mean): %.3f   target <= 1.2: %s\n", lr, (lr <= 1.2 ? "PASS" : "MISS")
           printf "large messages (1-4 MiB), bandwidth workshop/plain (geometric mean): %.3f   target >= 0.9: %s\n", br, (br >= 0.9 ? "PASS" : "MISS") }' "$tmp/best"
awk 'FNR == 1 { f++ } $1 <= 64 { if (!(($1, f) in b) || $2 < b[$1, f]) b[$1, f] = $2; s[$1] = 1 }
     END { for (n in s) { l += log(b[n, 2] / b[n, 1]); k++ }
           printf "the plain program at MPI_THREAD_FUNNELED instead of SINGLE, latency 1-64 B: %.3fx ", exp(l / k)
           print "(why workshop starts MPI at SINGLE for pingpong)" }' "$tmp/plain" "$tmp/funneled"
