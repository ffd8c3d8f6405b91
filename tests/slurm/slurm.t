#!/usr/bin/env bash
# slurm.t - the slurm/ scripts on a real Slurm started here (munged, slurmctld, slurmd n1 and n2).
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
private_slurm
cd "$tmp" || exit 1

perl -e 'print pack("d<*", 32, 212, -40, 98.6)' >data.f64
j_pi=$(sbatch --parsable -n 2 --output=pi-%j.out "$TOP/slurm/pi.sbatch" midpoint -n 1e8)
j_all=$(sbatch --parsable -n 2 --partition=debug --output=all-%j.out "$TOP/slurm/pi.sbatch")
j_hyb=$(sbatch --parsable -N 2 --ntasks-per-node=1 -c 2 --output=hyb-%j.out "$TOP/slurm/hybrid.sbatch" montecarlo -n 1e7 --seed 9)
j_map=$(sbatch --parsable -n 2 --output=map-%j.out "$TOP/slurm/map.sbatch" celsius data.f64 out.f64)
j_arr=$(SCALING_SIZES="1e7 2e7" SCALING_LAYOUTS="1x1 2x1 1x2" SCALING_DIR="$tmp/scaling" \
    sbatch --parsable --array=0-5 -n 2 -c 2 "$TOP/slurm/scaling.sbatch" midpoint)
j_scl=$(sbatch --parsable -N 1 -n 2 -c 1 --output=scl-%j.out --wrap \
    "'$TOP/bench/scale' --launcher srun -n 1e7 --layouts '1x1 2x1 1x2' --repeat 2 --out '$tmp/srun-scale'")
j_bad=$(PI_LAUNCHER=srun PI_SRUN_MPI=none sbatch --parsable -n 2 --output=bad-%j.out "$TOP/slurm/pi.sbatch" midpoint -n 1e6)
j_use=$(sbatch --parsable -n 1 --output=use-%j.out "$TOP/slurm/map.sbatch" celsius)

read -r st ec <<<"$(wait_job "$j_pi")"
out=$(cat "pi-$j_pi.out")
[ "$st" = COMPLETED ] && [ "$ec" = 0:0 ] && grep -q '^layout 2 ranks x 1 thread .*(expected 2 ranks: ok)' <<<"$out" &&
    grep -q '^pi  *3.1415926535897931$' <<<"$out" && grep -q '^check  *pass' <<<"$out"
ok $? "pi.sbatch -n 2 midpoint -n 1e8: $st $ec, layout recorded, right pi, check pass"
grep -q "rank 1 host .* cpus" <<<"$out" && grep -q '^job .*2 rank(s) x 1 thread(s), launcher mpirun' <<<"$out"
ok $? "pi.sbatch records hosts, CPU affinity and the launcher"
[ "$(scontrol show job "$j_pi" | sed -n 's/.*Partition=\([a-z]*\).*/\1/p')" = standard ] &&
    [ "$(scontrol show job "$j_all" | sed -n 's/.*Partition=\([a-z]*\).*/\1/p')" = debug ]
ok $? "site.conf's partition (standard) applies; sbatch --partition=debug overrides it"

read -r st ec <<<"$(wait_job "$j_all")"
out=$(cat "all-$j_all.out")
[ "$st" = COMPLETED ] && [ "$(grep -cE '^(midpoint|montecarlo|bbp) .* pass$' <<<"$out")" -eq 3 ]
ok $? "pi.sbatch with no arguments: pi all, three methods pass ($st $ec)"

read -r st ec <<<"$(wait_job "$j_hyb")"
out=$(cat "hyb-$j_hyb.out")
want=$("$PI" montecarlo -n 1e7 --seed 9 --json | jfield hits)
[ "$st" = COMPLETED ] && grep -q '^layout 2 ranks x 2 threads' <<<"$out" && grep -q 'node n1 ' <<<"$out" &&
    grep -q 'node n2 ' <<<"$out" && grep -q "^hits  *$want of 10000000" <<<"$out" && ! grep -q warning <<<"$out"
ok $? "hybrid.sbatch -N 2 --ntasks-per-node=1 -c 2: 2 ranks x 2 threads on n1 and n2, same hits as 1 rank ($want)"
grep -q 't0:cpu[0-9]*/place0 t1:cpu[0-9]*/place1' <<<"$out" && grep -q 'OMP_PLACES=cores OMP_PROC_BIND=close' <<<"$out"
ok $? "hybrid threads bound one per core place (OMP_PLACES=cores, OMP_PROC_BIND=close)"

read -r st ec <<<"$(wait_job "$j_map")"
[ "$st" = COMPLETED ] &&
    [ "$(perl -e 'local $/; print join(" ", unpack("d<*", <STDIN>))' <out.f64)" = "0 100 -40 37" ]
ok $? "map.sbatch celsius data.f64 out.f64: binary results 0 100 -40 37 ($st)"

for i in 0 1 2 3 4 5; do wait_job "${j_arr}_$i" >/dev/null; done
n=$(ls scaling/scaling_"${j_arr}"_*.json 2>/dev/null | wc -l)
ok $(( n != 6 )) "scaling.sbatch --array=0-5: one JSON per task, named by %A_%a ($n files)"
merged=$("$TOP/bench/scale" --merge scaling --out merged)
st=$?
csv=merged/results.csv
[ $st -eq 0 ] && [ "$(head -n 1 "$csv")" = "$scale_header" ] && [ "$(wc -l <"$csv")" -eq 7 ] &&
    [ "$(grep -c '^midpoint,strong,[12]0000000,[12],[12],[12],1,0,.*,pass,' "$csv")" -eq 6 ] &&
    grep -q '^midpoint,strong,10000000,2,1,2,1,0,[^,]*,[^,]*,[^,]*,[^,]*,[0-9.e+-]\+,' "$csv" &&
    png_ok merged/speedup.png && png_ok merged/efficiency.png &&
    [ "$(grep -c '^midpoint n=[12]0000000: serial fraction (Amdahl' <<<"$merged")" -eq 2 ]
ok $? "bench/scale --merge of the array's records: results.csv as a local sweep's, 6 points, plots, fits ($st)"

read -r st ec <<<"$(wait_job "$j_scl")"
csv=$tmp/srun-scale/results.csv
[ "$st" = COMPLETED ] && [ "$(head -n 1 "$csv" 2>/dev/null)" = "$scale_header" ] &&
    [ "$(grep -c '^midpoint,strong,10000000,[12],[12],[12],1,0,.*,pass,' "$csv")" -eq 3 ] &&
    png_ok "$tmp/srun-scale/speedup.png"
ok $? "bench/scale --launcher srun inside a 2-CPU allocation: 1x1 2x1 1x2 measured, none oversubscribed ($st $ec)"
[ "$st" = COMPLETED ] || diag "$(tail -n 5 "scl-$j_scl.out")"

read -r st ec <<<"$(wait_job "$j_bad")"
[ "$st" = FAILED ] && grep -q 'FAILED: the MPI world is not the 2 ranks Slurm allocated' "bad-$j_bad.out"
ok $? "srun without PMI for this MPI (singletons): the job fails loudly ($st)"
read -r st ec <<<"$(wait_job "$j_use")"
[ "$st" = FAILED ] && grep -q 'usage: sbatch slurm/map.sbatch TRANSFORM IN OUT' "use-$j_use.out"
ok $? "map.sbatch without its arguments: usage, job failed"

"$TOP/tests/slurm/cluster.sh" stop "$cluster"
left=0
for f in munged slurmctld slurmd.n1 slurmd.n2; do [ -e "$cluster/$f.pid" ] && left=1; done
ok $left "daemons stopped (only the ones this test started)"
trap 'rm -rf "$tmp"' EXIT
done_testing
