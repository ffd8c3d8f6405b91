#!/usr/bin/env bash
# sanitize.t - the driver built with -fsanitize=address,undefined runs clean, alone and under mpirun.
# (The unit tests' sanitizer builds run as build/san/tests/unit/test_* in the same prove run.)
. "$(dirname "$0")/../lib.sh"

SAN=${BUILD:-build}/san/bin/pi
[ -x "$SAN" ] || { echo "1..0 # SKIP $SAN not built (make san)"; exit 0; }
# Open MPI's own allocations are reported as leaks at exit: leaks are checked
# in the MPI-free unit tests instead.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

san_run() { # label, command...
    local label=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    ! grep -qE 'ERROR: AddressSanitizer|runtime error:' "$tmp/err"
    local clean=$?
    echo "$rc" >"$tmp/rc"
    [ "$clean" -eq 0 ]
    ok $? "$label: no sanitizer report (exit $rc)"
    [ "$clean" -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -20
}

san_run "alone midpoint -n 1e6 --threads 3" "$SAN" midpoint -n 1e6 --threads 3 --json
[ "$(cat "$tmp/rc")" -eq 0 ] && [ "$(jfield check <"$tmp/out")" = pass ]
ok $? "alone: check pass"
san_run "mpirun -np 2 midpoint -n 1000003 --threads 2" mpi 2 "$SAN" midpoint -n 1000003 --threads 2 --json
[ "$(cat "$tmp/rc")" -eq 0 ] && [ "$(jfield pi <"$tmp/out")" = "$("$BIN/pi" midpoint -n 1000003 --json | jfield pi)" ]
ok $? "mpirun -np 2 sanitized: same pi as the optimized build"
san_run "mpirun -np 2 all" mpi 2 "$SAN" all
san_run "bad value" "$SAN" midpoint -n 1e30
[ "$(cat "$tmp/rc")" -eq 2 ]
ok $? "bad value: exit 2"
san_run "unknown option" "$SAN" midpoint --nope
san_run "mpirun -np 2 midpoint --checkpoint, a save every step, kept" mpi 2 "$SAN" midpoint -n 2e7 \
    --checkpoint "$tmp/ck" --checkpoint-every 0 --keep-checkpoint
san_run "montecarlo with midpoint's checkpoint" "$SAN" montecarlo -n 3e6 --checkpoint "$tmp/ck"
[ "$(cat "$tmp/rc")" -eq 2 ] && grep -q "another run's" "$tmp/err"
ok $? "another run's checkpoint: exit 2"
head -c 150 "$tmp/ck" >"$tmp/cut"
san_run "truncated checkpoint" "$SAN" midpoint -n 2e7 --checkpoint "$tmp/cut"
san_run "rerun from the finished checkpoint" "$SAN" midpoint -n 2e7 --checkpoint "$tmp/ck" --json
[ "$(cat "$tmp/rc")" -eq 0 ] && [ ! -e "$tmp/ck" ] && [ "$(jfield pi <"$tmp/out")" = "$("$BIN/pi" midpoint -n 2e7 --json | jfield pi)" ]
ok $? "sanitized checkpointed run: same pi as the optimized build, checkpoint removed"
san_run "alone bbp --hex-at 1000 --threads 2" "$SAN" bbp --hex-at 1000 --threads 2
san_run "alone bbp --digits 500" "$SAN" bbp --digits 500
san_run "mpirun -np 3 chudnovsky --digits 3000 --threads 2" mpi 3 "$SAN" chudnovsky --digits 3000 --threads 2
[ "$(cat "$tmp/rc")" -eq 0 ] && [ "$(cat "$tmp/out")" = "$("$BIN/pi" chudnovsky --digits 3000 2>/dev/null)" ]
ok $? "sanitized chudnovsky on 3 ranks x 2 threads: the optimized build's digits"
san_run "alone chudnovsky --digits 200000 --threads 2 (quotient and square root side by side)" "$SAN" chudnovsky --digits 200000 --threads 2 -o "$tmp/q.txt"
[ "$(cat "$tmp/rc")" -eq 0 ] && [ "$(tail -c 21 "$tmp/q.txt")" = "$("$BIN/pi" chudnovsky --digits 200000 2>/dev/null | tail -c 21)" ]
ok $? "sanitized chudnovsky on 1 rank x 2 threads: the optimized build's last digits"
san_run "mpirun -np 2 chudnovsky --digits 500000 (conversion split over the ranks)" mpi 2 "$SAN" chudnovsky --digits 500000 -o "$tmp/c.txt"
SANMAP=${BUILD:-build}/san/bin/map
seq 1 500 >"$tmp/seq.txt"
san_run "mpirun -np 2 map sqplus1 (cyclic, 2 threads)" mpi 2 "$SANMAP" sqplus1 "$tmp/seq.txt" --threads 2 --chunk 8
[ "$(sed -n '500p' "$tmp/out")" = 250001.0 ]   # Python's repr
ok $? "sanitized map: 500 results in order"
san_run "mpirun -np 2 map (dynamic, to a file)" mpi 2 "$SANMAP" double "$tmp/seq.txt" -o "$tmp/d.txt" --schedule dynamic --chunk 3
san_run "map malformed input" "$SANMAP" celsius "$TOP/README.md"
san_run "mpirun -np 2 map -o /dev/full (write failure path)" mpi 2 "$SANMAP" double "$tmp/seq.txt" -o /dev/full
[ "$(cat "$tmp/rc")" -eq 1 ] && grep -q 'cannot write /dev/full: No space left on device' "$tmp/err"
ok $? "sanitized map -o /dev/full: exit 1, said"
san_run "pi bbp --digits -o /dev/full" "$SAN" bbp --digits 300 -o /dev/full
printf '1\nnan\n' >"$tmp/nan.txt"
san_run "map nan input" mpi 2 "$SANMAP" celsius "$tmp/nan.txt" --schedule dynamic
done_testing
