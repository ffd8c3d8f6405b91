#!/usr/bin/env bash
# mpilaunch.t - slurm/mpilaunch: each dialect's command line, detection, bad options, and real runs under $MPIRUN.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
L=$MPILAUNCH

# printed FLAVOR ARGS...: the command line mpilaunch --print gives for dialect FLAVOR.
printed() { local f=$1; shift; MPIRUN=mpirun MPI_FLAVOR=$f OMP_NUM_THREADS=2 "$L" --print "$@"; }
# bad WANT ARGS...: mpilaunch ARGS exits 2 with one stderr line containing WANT.
bad() {
    local want=$1; shift
    "$L" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ]
    ok $? "mpilaunch $*: exit $rc, one line: $(head -n 1 "$tmp/err")"
}

# ---- the dialect table ------------------------------------------------------------------------
all=(--oversubscribe -np 3 --env OMP_NUM_THREADS,OMP_PLACES --env OMP_PROC_BIND --bind 2 --quiet prog 'a b')
[ "$(printed openmpi "${all[@]}")" = 'mpirun -q --oversubscribe -x OMP_NUM_THREADS -x OMP_PLACES -x OMP_PROC_BIND --map-by slot:PE=2 --bind-to core -np 3 prog a\ b' ]
ok $? "openmpi: -q --oversubscribe -x VAR... --map-by slot:PE=T --bind-to core"
[ "$(printed mpich "${all[@]}")" = 'mpirun -genvlist OMP_NUM_THREADS\,OMP_PLACES\,OMP_PROC_BIND -bind-to core:2 -np 3 prog a\ b' ]
ok $? "mpich (Hydra): -genvlist, -bind-to core:T, no -q, oversubscription by default"
[ "$(printed intel "${all[@]}")" = 'mpirun -genvlist OMP_NUM_THREADS\,OMP_PLACES\,OMP_PROC_BIND -genv I_MPI_PIN_DOMAIN omp -np 3 prog a\ b' ]
ok $? "intel (Hydra): -genvlist, I_MPI_PIN_DOMAIN=omp for T = OMP_NUM_THREADS"
[ "$(printed openmpi --bind 1 p)" = 'mpirun --bind-to core -np 1 p' ] &&
    [ "$(printed mpich --bind 1 p)" = 'mpirun -bind-to core -np 1 p' ] &&
    [ "$(printed intel --bind 3 p)" = 'mpirun -genv I_MPI_PIN_DOMAIN 3 -np 1 p' ]
ok $? "--bind 1: a core each; intel --bind T other than OMP_NUM_THREADS: I_MPI_PIN_DOMAIN=T"
[ "$(printed openmpi --bind none p)" = 'mpirun --bind-to none -np 1 p' ] &&
    [ "$(printed mpich --bind none p)" = 'mpirun -bind-to none -np 1 p' ] &&
    [ "$(printed intel --bind none p)" = 'mpirun -genv I_MPI_PIN off -np 1 p' ]
ok $? "--bind none in each dialect"
[ "$(printed openmpi -np 4 --per-node 2 --bind 3 p)" = 'mpirun --map-by ppr:2:node:PE=3 --bind-to core -np 4 p' ] &&
    [ "$(printed mpich -np 4 --per-node 2 --bind 3 p)" = 'mpirun -ppn 2 -bind-to core:3 -np 4 p' ]
ok $? "--per-node N: Open MPI ppr:N:node:PE=T, Hydra -ppn N"
[ "$(printed mpich -np 1 a : -np 2 b x)" = 'mpirun -np 1 a : -np 2 b x' ] &&
    [ "$(printed openmpi --oversubscribe -np 1 a : -np 2 b)" = 'mpirun --oversubscribe -np 1 a : -np 2 b' ]
ok $? "MPMD: ': -np N PROGRAM' passed on as it is"
[ "$(MPIRUN='mpirun --mca btl self,tcp' MPI_FLAVOR=openmpi "$L" --print -np 2 p)" = 'mpirun --mca btl self\,tcp -np 2 p' ]
ok $? "MPIRUN of several words: the launcher and its own options first"

# ---- detection -------------------------------------------------------------------------------
[ "$(MPIRUN=mpirun MPI_FLAVOR= "$L" --flavor)" = openmpi ]
ok $? "mpirun (Open MPI 4.1) detected as openmpi"
if command -v mpiexec.mpich >/dev/null; then
    [ "$(MPIRUN=mpiexec.mpich MPI_FLAVOR= "$L" --flavor)" = mpich ]
    ok $? "mpiexec.mpich (Hydra) detected as mpich"
else
    echo "ok $((tap_n += 1)) # SKIP mpiexec.mpich not installed (Debian: mpich)"
fi
# Intel MPI cannot be installed here: a stand-in launcher that answers --version as its mpirun does
mkdir "$tmp/intel"
printf '#!/bin/sh\necho "Intel(R) MPI Library for Linux* OS, Version 2021.10 Build 20230619 (id: c2e19c2f3e)"\n' >"$tmp/intel/mpirun"
printf '#!/bin/sh\necho "lamboot 7.1"\n' >"$tmp/intel/lamrun"
chmod +x "$tmp/intel/mpirun" "$tmp/intel/lamrun"
[ "$(MPIRUN="$tmp/intel/mpirun" MPI_FLAVOR= "$L" --flavor)" = intel ]
ok $? "Intel MPI's mpirun detected as intel"
MPI_FLAVOR='' MPIRUN="$tmp/intel/lamrun" bad "cannot tell the MPI of launcher '$tmp/intel/lamrun' from its --version ('lamboot 7.1'): set MPI_FLAVOR" -np 1 true
MPI_FLAVOR='' MPIRUN=no-such-mpirun bad "launcher 'no-such-mpirun' not found" -np 1 true

# ---- bad options: one line naming the value, exit 2 -----------------------------------------
MPI_FLAVOR=lam bad "unknown MPI_FLAVOR 'lam' (choose openmpi, mpich or intel)" -np 1 true
MPI_FLAVOR=OpenMPI bad "unknown MPI_FLAVOR 'OpenMPI'" --flavor
bad "invalid -np '0'" -np 0 true
bad "invalid -np '2x'" -np 2x true
bad "invalid --bind 'all'" --bind all true
bad "invalid --env 'A B'" --env 'A B' true
bad "unknown option '--map-by'" --map-by slot:PE=2 true
bad "no program to launch" -np 2

# ---- real runs under $MPIRUN ($MPI_FLAVOR) ---------------------------------------------------
diag "launcher $MPIRUN: $MPI_FLAVOR"
out=$(PI_TEST_VAR=forwarded mpi 2 --env PI_TEST_VAR sh -c 'echo "$PI_TEST_VAR"')
[ "$out" = "forwarded
forwarded" ]
ok $? "--env VAR: both ranks see it"
if [ "$(nproc)" -ge 2 ]; then
    out=$(mpi 2 --bind 1 "$PI" midpoint -n 1e5 --json | jfield cpus)
    [ "$out" = 2 ]
    ok $? "--bind 1 with 2 ranks: a core each, 2 CPUs in all (pi --json cpus: $out)"
    out=$(mpi 1 --bind 2 "$PI" midpoint -n 1e5 --threads 2 --json | jfield cpus)
    [ "$out" = 2 ]
    ok $? "--bind 2: one rank on 2 cores (pi --json cpus: $out)"
    mpi 2 --bind 1 "$PI" midpoint -n 1e5 --threads 2 >/dev/null 2>"$tmp/err"
    grep -q 'warning: a rank may run on only 1 CPU but has 2 threads; give it 2 cores (Open MPI: mpirun --map-by slot:PE=2; MPICH: mpiexec -bind-to core:2) or no binding (--bind-to none; -bind-to none)' "$tmp/err"
    ok $? "pi's thread warning gives both dialects' options"
    mpi 1 --bind 1 "$BIN/workshop" counter --increments 1000 --threads 2 >/dev/null 2>"$tmp/err"
    grep -q 'note: a rank may run on only 1 CPU for its 2 threads: .*(Open MPI: mpirun --bind-to none; MPICH: mpiexec -bind-to none)' "$tmp/err"
    ok $? "workshop counter's note gives both dialects' options"
fi
"$BIN/workshop" counter --help | grep -q 'mpiexec' && "$BIN/workshop" counter --help | grep -q -- '-bind-to core:T'
ok $? "workshop counter --help: MPICH's -bind-to core:T beside Open MPI's"
out=$(mpi 1 "$BIN/workshop" processes --task square --input 7 --json : -np 1 "$BIN/workshop" processes --task cube --input 7 --json)
[ $? -eq 0 ] && grep -q '"lesson": "processes"' <<<"$out"
ok $? "MPMD through mpilaunch runs"

# ---- standard input: streamed to rank 0 (under Hydra through mpilaunch's FIFO) ------------------
seq 1 300000 >"$tmp/in.txt"
"$BIN/map" double "$tmp/in.txt" >"$tmp/want.txt"
seq 1 300000 | mpi 2 "$BIN/map" double --schedule dynamic >"$tmp/got.txt" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$tmp/got.txt" "$tmp/want.txt" && [ ! -s "$tmp/err" ]
ok $? "a 300000-line pipe into map on 2 ranks: every result, exit $rc$([ -s "$tmp/err" ] && echo ": $(head -n 1 "$tmp/err")")"
mpi 3 "$BIN/map" double <"$tmp/in.txt" >"$tmp/got.txt" 2>"$tmp/err" && cmp -s "$tmp/got.txt" "$tmp/want.txt"
ok $? "a redirected file as map's stdin on 3 ranks: every result"
t0=$SECONDS
yes 2>/dev/null | mpi 2 "$BIN/map" double --bogus >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ $((SECONDS - t0)) -le 60 ] && grep -q "unknown option '--bogus'" "$tmp/err"
ok $? "an endless pipe into a refused map: exit $rc, no hang"
printf '1\nx\n' | mpi 2 "$BIN/map" double >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "^stdin:2: not a number 'x'" "$tmp/err"
ok $? "a bad record on piped stdin: exit $rc, named stdin:2"
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'mpilaunch.*' -newer "$tmp/in.txt")" ]
ok $? "no FIFO directory of mpilaunch's left behind"

done_testing
