#!/usr/bin/env bash
# slurm_launchers.t - every slurm/ script across the two nodes of the private Slurm, once with
# PI_LAUNCHER=mpirun ($MPIRUN) and once with PI_LAUNCHER=srun (srun --mpi=pmix, pmi2 for MPICH): the MPI world is the
# SLURM_NTASKS ranks on n1 and n2, and the results are those of one rank.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
cluster="$tmp/cluster"
mkdir -p "$cluster"
if ! slurm_start "$cluster"; then
    echo "1..0 # SKIP $slurm_skip"
    "$TOP/tests/slurm/cluster.sh" stop "$cluster"
    rm -rf "$tmp"
    exit 0
fi
trap '"$TOP/tests/slurm/cluster.sh" stop "$cluster"; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export PI_ROOT="$TOP"
slurm_site                               # site.conf; no modules here; the programs are $BIN
# Both emulated nodes are this one host: Open MPI's shared-memory segments of the two would
# collide, so ranks talk TCP (tests/slurm/cluster.sh; a real cluster needs nothing of this).
export OMPI_MCA_btl=self,tcp
cd "$tmp" || exit 1

srun --mpi=list >mpi_list.txt 2>&1
grep -q '^[[:space:]]*pmix$' mpi_list.txt
ok $? "srun --mpi=list offers pmix ($(grep -o 'pmix_v[0-9]*' mpi_list.txt | head -n 1))"
grep -q '^[[:space:]]*pmi2$' mpi_list.txt
ok $? "srun --mpi=list offers pmi2 (MPICH's; this run: $MPI_FLAVOR, PI_SRUN_MPI=$PI_SRUN_MPI)"

perl -e 'print pack("d<*", 32, 212, -40, 98.6)' >data.f64
want_hits=$("$PI" montecarlo -n 1e7 --seed 9 --json | jfield hits)
declare -A job
for L in mpirun srun; do
    export PI_LAUNCHER=$L
    job[$L.pi]=$(sbatch --parsable -N 2 --ntasks-per-node=2 --output="pi-$L-%j.out" "$TOP/slurm/pi.sbatch" midpoint -n 1e8)
    job[$L.hyb]=$(sbatch --parsable -N 2 --ntasks-per-node=1 -c 2 --output="hyb-$L-%j.out" \
        "$TOP/slurm/hybrid.sbatch" montecarlo -n 1e7 --seed 9)
    job[$L.odd]=$(sbatch --parsable -N 2 -n 3 --output="odd-$L-%j.out" "$TOP/slurm/pi.sbatch" midpoint -n 1e8)
    job[$L.map]=$(sbatch --parsable -N 2 -n 2 --output="map-$L-%j.out" "$TOP/slurm/map.sbatch" \
        celsius data.f64 "out-$L.f64")
    job[$L.arr]=$(SCALING_SIZES="1e7" SCALING_LAYOUTS="2x1 2x2" SCALING_DIR="$tmp/scaling-$L" \
        sbatch --parsable --array=0-1 -N 2 -n 2 -c 2 --output="scl-$L-%A_%a.out" \
        "$TOP/slurm/scaling.sbatch" midpoint)
done

# layout_ok FILE N: the job line names N = SLURM_NTASKS ranks and the launcher, pi layout found an
# MPI world of N ranks (not N singletons) on both nodes.
layout_ok() {
    grep -q "^job [0-9]*: 2 node(s) n\[1-2\], $2 rank(s) x .* launcher $L," "$1" &&
        grep -q "^layout $2 ranks x .*(expected $2 ranks: ok)" "$1" &&
        grep -q ' node n1 ' "$1" && grep -q ' node n2 ' "$1" && ! grep -qiE '(warning|error):' "$1"
}
# finish JOB OUT: wait for JOB; its state and exit code in st and ec, OUT its output file.
finish() { read -r st ec <<<"$(wait_job "$1")"; out=$2; }
# verdict STATUS NAME: the TAP point, and the output's end when the job did not complete.
verdict() { ok "$1" "$2 ($st $ec)"; [ "$st" = COMPLETED ] || diag "$(tail -n 5 "$out")"; }
for L in mpirun srun; do
    finish "${job[$L.pi]}" "pi-$L-${job[$L.pi]}.out"
    [ "$st" = COMPLETED ] && layout_ok "$out" 4 && grep -q '^pi  *3.1415926535897931$' "$out" &&
        grep -q '^check  *pass' "$out"
    verdict $? "$L: pi.sbatch -N 2 --ntasks-per-node=2 midpoint -n 1e8: 4 ranks on n1 and n2, pi 3.1415926535897931"
    finish "${job[$L.odd]}" "odd-$L-${job[$L.odd]}.out"
    [ "$st" = COMPLETED ] && layout_ok "$out" 3 && grep -q '^pi  *3.1415926535897931$' "$out"
    verdict $? "$L: pi.sbatch -N 2 -n 3 (uneven: 2 + 1 tasks): 3 ranks on n1 and n2, pi 3.1415926535897931"
    finish "${job[$L.hyb]}" "hyb-$L-${job[$L.hyb]}.out"
    [ "$st" = COMPLETED ] && layout_ok "$out" 2 && grep -q '^layout 2 ranks x 2 threads' "$out" &&
        grep -q "^hits  *$want_hits of 10000000" "$out"
    verdict $? "$L: hybrid.sbatch -N 2 --ntasks-per-node=1 -c 2: 2 ranks x 2 threads, hits as 1 rank ($want_hits)"
    finish "${job[$L.map]}" "map-$L-${job[$L.map]}.out"
    [ "$st" = COMPLETED ] && layout_ok "$out" 2 &&
        [ "$(perl -e 'local $/; print join(" ", unpack("d<*", <STDIN>))' <"out-$L.f64")" = "0 100 -40 37" ]
    verdict $? "$L: map.sbatch -N 2 -n 2 celsius data.f64: 0 100 -40 37"

    good=0
    for i in 0 1; do
        finish "${job[$L.arr]}_$i" "scl-$L-${job[$L.arr]}_$i.out"
        f="scaling-$L/scaling_${job[$L.arr]}_$i.json"
        [ "$st" = COMPLETED ] && layout_ok "$out" 2 && [ -f "$f" ] &&
            jtrue '$d->{ranks} == 2 && $d->{threads} == '$((i + 1))' && $d->{hosts} >= 1 &&
                   $d->{check} eq "pass"' <"$f" && good=$((good + 1))
    done
    ok $((good != 2)) "$L: scaling.sbatch --array=0-1 -N 2 -n 2 -c 2: 2x1 and 2x2 records, 2 ranks each, pass ($good of 2)"
done
done_testing
