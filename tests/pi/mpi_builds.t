#!/usr/bin/env bash
# mpi_builds.t - the Open MPI and the MPICH builds give the same results, bit for bit, and resume each other's checkpoints.
# The builds: OMPI_BIN (default bin/, launched by OMPI_MPIRUN, default mpirun) and MPICH_BIN
# (default build-mpich/bin, from make BUILD=build-mpich BIN=build-mpich/bin MPICC=mpicc.mpich;
# launched by MPICH_MPIRUN, default mpiexec.mpich).  Without both: a visible SKIP.
. "$(dirname "$0")/../lib.sh"
OMPI_BIN=${OMPI_BIN:-$TOP/bin}
MPICH_BIN=${MPICH_BIN:-$TOP/build-mpich/bin}
# relative build directories name folders of the checkout (the test runs in a temporary directory)
case $OMPI_BIN in /*) ;; *) OMPI_BIN=$TOP/$OMPI_BIN ;; esac
case $MPICH_BIN in /*) ;; *) MPICH_BIN=$TOP/$MPICH_BIN ;; esac
OMPI_MPIRUN=${OMPI_MPIRUN:-mpirun}
MPICH_MPIRUN=${MPICH_MPIRUN:-mpiexec.mpich}
export OMPI_BIN MPICH_BIN OMPI_MPIRUN MPICH_MPIRUN MPILAUNCH
for b in "$OMPI_BIN" "$MPICH_BIN"; do
    for p in pi map; do
        if [ ! -x "$b/$p" ]; then
            echo "1..0 # SKIP no $b/$p: build both (make; make BUILD=build-mpich BIN=build-mpich/bin MPICC=mpicc.mpich)"
            exit 0
        fi
    done
done
for l in "$OMPI_MPIRUN" "$MPICH_MPIRUN"; do
    command -v "$l" >/dev/null || { echo "1..0 # SKIP launcher $l not found"; exit 0; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# run_on BUILD NP PROG ARGS...: PROG (pi, map) of build BUILD (ompi or mpich) under its own
# launcher with NP ranks; the launcher's pid is the caller's $! when started with &.
run_on() {
    local b=$1 np=$2 prog=$3; shift 3
    if [ "$b" = ompi ]; then
        MPIRUN=$OMPI_MPIRUN MPI_FLAVOR=openmpi exec "$MPILAUNCH" --oversubscribe -np "$np" "$OMPI_BIN/$prog" "$@"
    else
        MPIRUN=$MPICH_MPIRUN MPI_FLAVOR=mpich exec "$MPILAUNCH" -np "$np" "$MPICH_BIN/$prog" "$@"
    fi
}
# on BUILD NP PROG ARGS...: run_on, 120 s at most.
on() { timeout 120 bash -c "$(declare -f run_on); run_on \"\$@\"" on "$@"; }
# same KEY NAME ARGS...: pi ARGS --json on both builds (np 2 and 3) gives one value of KEY.
same() {
    local key=$1 name=$2 v vals=""; shift 2
    for b in ompi mpich; do
        for np in 2 3; do
            v=$(on $b $np pi "$@" --json 2>/dev/null | jfield "$key")
            vals="$vals $b/$np=${v:-none}"
        done
    done
    diag "$key:$vals"
    [ "$(tr ' ' '\n' <<<"$vals" | sed -n 's/.*=//p' | sort -u | wc -l)" -eq 1 ] && ! grep -q none <<<"$vals"
    ok $? "$name: the same $key from both builds, np 2 and 3"
}

same pi "midpoint -n 1e7" midpoint -n 1e7
same pi "midpoint -n 1000003 --threads 2" midpoint -n 1000003 --threads 2
same hits "montecarlo -n 1e7 --seed 42" montecarlo -n 1e7 --seed 42
same hex "bbp --hex-at 1e5" bbp --hex-at 1e5
same sha256 "bbp --digits 20000" bbp --digits 20000
same sha256 "chudnovsky --digits 50000" chudnovsky --digits 50000
on ompi 2 pi bbp --digits 20000 -o o.txt >/dev/null && on mpich 3 pi bbp --digits 20000 -o m.txt >/dev/null &&
    cmp -s o.txt m.txt && [ "$(wc -c <o.txt)" -gt 20000 ]
ok $? "bbp --digits 20000 -o: the same file from both builds"

# map: text and binary outputs, byte for byte
seq -40 0.37 60 >in.txt
perl -e 'print pack("d<*", map { $_ * 0.1 - 40 } 0 .. 9999)' >in.f64
good=0
for t in celsius sqplus1; do
    on ompi 2 map "$t" in.txt -o "o-$t.txt" && on mpich 3 map "$t" in.txt -o "m-$t.txt" &&
        cmp -s "o-$t.txt" "m-$t.txt" && [ -s "o-$t.txt" ] && good=$((good + 1))
    on ompi 3 map "$t" --binary in.f64 -o "o-$t.f64" && on mpich 2 map "$t" --binary in.f64 -o "m-$t.f64" &&
        cmp -s "o-$t.f64" "m-$t.f64" && [ "$(wc -c <"o-$t.f64")" -eq 80000 ] && good=$((good + 1))
done
ok $((good != 4)) "map celsius, sqplus1: text and --binary outputs byte for byte the same ($good of 4)"

# a checkpoint started under one MPI is resumed under the other, both ways
want=$(on ompi 2 pi midpoint -n 1e9 --json | jfield pi)
for way in "ompi mpich" "mpich ompi"; do
    read -r first second <<<"$way"
    rm -f ck
    run_on "$first" 2 pi midpoint -n 1e9 --checkpoint ck --checkpoint-every 0.1 >first.out 2>first.err &
    run=$!
    for _ in $(seq 1500); do [ -s ck ] && break; sleep 0.02; done
    kill -USR1 "$run"
    wait "$run"
    rc=$?
    out=$(on "$second" 3 pi midpoint -n 1e9 --checkpoint ck --json)
    got=$(jfield pi <<<"$out")
    grep -q 'stopped by SIGUSR1: checkpoint saved' first.err && [ -n "$want" ] && [ "$got" = "$want" ] &&
        jtrue '$d->{checkpoint}{resumed_from} > 0 && $d->{ranks} == 3' <<<"$out" && [ ! -e ck ]
    ok $? "checkpoint from $first (np 2, stopped: exit $rc) resumed by $second (np 3): pi $got == $want"
done

# each build: a full standard output is named as such (MPICH unbuffers stdout in MPI_Init_thread)
for b in "$OMPI_BIN" "$MPICH_BIN"; do
    "$b/pi" midpoint -n 1e5 >/dev/full 2>err.txt
    rc=$?
    [ $rc -eq 1 ] && [ "$(cat err.txt)" = "pi midpoint: cannot write standard output: No space left on device" ]
    ok $? "$b/pi midpoint >/dev/full: exit $rc, $(cat err.txt)"
done
"$OMPI_BIN/pi" --version | grep -q '^mpi  *Open MPI v[0-9][0-9.]*$'
ok $? "Open MPI build: --version names 'Open MPI vX.Y.Z'"
"$MPICH_BIN/pi" --version | grep -q '^mpi  *MPICH [0-9][0-9.]*$' &&
    "$MPICH_BIN/pi" midpoint -n 1e5 --json | grep -q '"mpi": "MPICH [0-9][0-9.]*"'
ok $? "MPICH build: --version and JSON name 'MPICH X.Y.Z' (no tab)"
done_testing
