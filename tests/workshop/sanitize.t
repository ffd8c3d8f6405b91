#!/usr/bin/env bash
# workshop_sanitize.t - workshop under ASan+UBSan and under ThreadSanitizer (clang, libomp + Archer): no reports.
. "$(dirname "$0")/../lib.sh"

B=${BUILD:-build}
SAN=$B/san/bin/workshop
TSAN=$B/tsan/bin/workshop
[ -x "$SAN" ] && [ -x "$TSAN" ] || { echo "1..0 # SKIP $SAN or $TSAN not built (make san tsan)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# san_run LABEL PATTERN CMD...: no line matching PATTERN on stderr, exit 0
san_run() {
    local label=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    ! grep -qE "$pat" "$tmp/err" && [ $rc -eq 0 ]
    local good=$?
    ok $good "$label: no sanitizer report, exit $rc"
    [ $good -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -30
}

# --- ASan + UBSan (Open MPI's own allocations look like leaks at exit: leaks off) ------------
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
ASAN='ERROR: AddressSanitizer|runtime error:'
san_run "asan: counter alone, 3 threads (unsafe included)" "$ASAN" "$SAN" counter --increments 1e5 --threads 3
san_run "asan: counter, mpirun -np 2 x 2 threads" "$ASAN" mpi 2 --bind none "$SAN" counter --increments 2e4 --threads 2 --json
jtrue '$d->{check} eq "pass"' <"$tmp/out"
ok $? "asan: counter check pass"
san_run "asan: processes, mpirun -np 3 x 2 threads" "$ASAN" mpi 3 "$SAN" processes --threads 2 --json
san_run "asan: MPMD processes" "$ASAN" timeout 120 "$MPILAUNCH" --oversubscribe -np 1 "$SAN" processes --task square : -np 1 "$SAN" processes --task cube
san_run "asan: join-order, mpirun -np 2 x 2 threads" "$ASAN" mpi 2 "$SAN" join-order --threads 2 --scale 0.01
san_run "asan: queue, mpirun -np 3" "$ASAN" mpi 3 "$SAN" queue --scale 0.01 --tasks 12
san_run "asan: shared, mpirun -np 3" "$ASAN" mpi 3 "$SAN" shared --length 1000
san_run "asan: pingpong --sizes 1:65536, mpirun -np 4" "$ASAN" mpi 4 "$SAN" pingpong --sizes 1:65536 --iterations 5
"$SAN" pingpong --sizes 1e30 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ! grep -qE "$ASAN" "$tmp/err"
ok $? "asan: a bad value exits 2 cleanly"

# --- ThreadSanitizer: the program (MPI not instrumented: its own modules are ignored) ------
export TSAN_OPTIONS=ignore_noninstrumented_modules=1:halt_on_error=0 ARCHER_OPTIONS=verbose=1
TSANRE='WARNING: ThreadSanitizer'
"$B/tsan/tests/unit/tsan_control" >"$tmp/out" 2>"$tmp/err"
grep -q "$TSANRE: data race" "$tmp/err"
ok $? "tsan is live: the deliberate plain counter++ race is reported"
"$B/tsan/tests/unit/test_lessons" >"$tmp/out" 2>"$tmp/err"
rc=$?
! grep -q "$TSANRE" "$tmp/err" && [ $rc -eq 0 ] &&
    grep -q '^Archer detected OpenMP application with TSan' "$tmp/out" "$tmp/err" &&
    ! grep -q '^not ok' "$tmp/out"
ok $? "tsan: the kernels' unit tests (unsafe, lock, atomic at 1-4 threads) run clean, Archer active (exit $rc)"
san_run "tsan: counter alone, 4 threads (unsafe races by design, without a data race)" "$TSANRE" \
    "$TSAN" counter --increments 2e4 --threads 4
grep -q '^Archer detected OpenMP application with TSan' "$tmp/out" && grep -q '^check: pass' "$tmp/out"
ok $? "tsan: Archer active in workshop too; counter check pass"
san_run "tsan: counter, mpirun -np 2 x 2 threads" "$TSANRE" \
    mpi 2 --bind none --env TSAN_OPTIONS "$TSAN" counter --increments 1e4 --threads 2
san_run "tsan: processes, mpirun -np 2 x 3 threads" "$TSANRE" mpi 2 --env TSAN_OPTIONS "$TSAN" processes --threads 3
san_run "tsan: join-order, mpirun -np 2 x 2 threads" "$TSANRE" \
    mpi 2 --env TSAN_OPTIONS "$TSAN" join-order --threads 2 --scale 0.01
san_run "tsan: queue, shared, pingpong under mpirun" "$TSANRE" sh -c "
    $MPILAUNCH --oversubscribe -np 3 --env TSAN_OPTIONS $TSAN queue --scale 0 &&
    $MPILAUNCH --oversubscribe -np 2 --env TSAN_OPTIONS $TSAN shared &&
    $MPILAUNCH --oversubscribe -np 2 --env TSAN_OPTIONS $TSAN pingpong --sizes 1:4096"

done_testing
