#!/usr/bin/env bash
# slurm_scripts.t - the sbatch scripts' argument handling, run directly with a faked job environment
# (no Slurm daemons needed; tests/slurm.t runs them for real).
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
job() { # run a script as if Slurm had started it on one node with 2 tasks
    env SLURM_SUBMIT_DIR="$TOP" SLURM_JOB_ID=7 SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 \
        SLURM_JOB_NUM_NODES=1 SLURM_ARRAY_JOB_ID=7 SLURM_ARRAY_TASK_ID=0 PI_MODULES= \
        SCALING_DIR="$tmp/sc" bash "$@"
}
job "$TOP/slurm/scaling.sbatch" bbp --digits 10 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "use midpoint or montecarlo, not 'bbp'" "$tmp/err" && [ -z "$(ls "$tmp/sc" 2>/dev/null)" ]
ok $? "scaling.sbatch refuses methods without -n, leaves no file"
job "$TOP/slurm/map.sbatch" celsius >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'usage: sbatch slurm/map.sbatch TRANSFORM IN OUT' "$tmp/err"
ok $? "map.sbatch without IN and OUT: usage, exit 2"
(cd "$tmp" && env -u SLURM_SUBMIT_DIR PI_ROOT= bash "$TOP/slurm/pi.sbatch" >"$tmp/out" 2>"$tmp/err")
[ $? -eq 1 ] && grep -q "slurm/common.sh not found: submit from the project's top directory" "$tmp/err"
ok $? "submitted from elsewhere: says to submit from the top directory or set PI_ROOT"
PI_LAUNCHER=bogus job "$TOP/slurm/pi.sbatch" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && grep -q "PI_LAUNCHER must be mpirun or srun, not 'bogus'" "$tmp/err"
ok $? "an unknown launcher is named"
job "$TOP/slurm/pi.sbatch" midpoint -n 1e6 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q '^layout 2 ranks x 1 thread .*(expected 2 ranks: ok)' "$tmp/out" &&
    grep -q '^check  *pass' "$tmp/out"
ok $? "pi.sbatch outside Slurm with a faked 2-task job: mpirun layout recorded, pi passes"

# PI_LAUNCHER=srun without Slurm: an srun on PATH that records its options and starts the
# program under mpirun; every script must ask for PMIx, the task count and the task's CPUs.
mkdir -p "$tmp/fake"
cat >"$tmp/fake/srun" <<'SRUN'
#!/usr/bin/env bash
echo "srun $*" >>"$SRUN_LOG"
n=1
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
    case $1 in -n) n=$2; shift ;; esac
    shift
done
exec mpirun --oversubscribe -np "$n" "$@"
SRUN
chmod +x "$tmp/fake/srun"
export SRUN_LOG="$tmp/srun.log"
perl -e 'print pack("d<*", 32, 212)' >"$tmp/in.f64"
good=0
for args in "pi.sbatch midpoint -n 1e6" "hybrid.sbatch montecarlo -n 1e5" \
            "map.sbatch celsius $tmp/in.f64 $tmp/out.f64" "scaling.sbatch midpoint"; do
    : >"$SRUN_LOG"
    read -r -a a <<<"$args"
    PATH="$tmp/fake:$PATH" PI_LAUNCHER=srun SCALING_LAYOUTS=2x1 SCALING_SIZES=1e6 \
        job "$TOP/slurm/${a[0]}" "${a[@]:1}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 0 ] && [ "$(wc -l <"$SRUN_LOG")" -eq 2 ] &&
        [ "$(grep -c "^srun --mpi=pmix -n 2 --cpus-per-task=1 $TOP/bin/" "$SRUN_LOG")" -eq 2 ] &&
        grep -q '^job 7: .* launcher srun,' "$tmp/out" &&
        grep -q '^layout 2 ranks x 1 thread .*(expected 2 ranks: ok)' "$tmp/out" && good=$((good + 1))
    [ $rc -eq 0 ] || diag "${a[0]}: $(tail -n 2 "$tmp/err")"
done
ok $((good != 4)) "PI_LAUNCHER=srun: every script runs srun --mpi=pmix -n 2 --cpus-per-task=1 (layout, then the program) ($good of 4)"

# long.sbatch outside Slurm: SIGUSR1 to the batch shell reaches pi through mpirun, pi saves and
# exits 75, the script calls `scontrol requeue JOBID` (a stand-in here that records its arguments);
# started again it resumes and finishes with the uninterrupted pi
mkdir -p "$tmp/fake"
printf '#!/bin/sh\necho "$*" >>"%s/requeued"\n' "$tmp" >"$tmp/fake/scontrol"
chmod +x "$tmp/fake/scontrol"
long=(env PATH="$tmp/fake:$PATH" PI_CHECKPOINT="$tmp/long.ckpt" SLURM_SUBMIT_DIR="$TOP" SLURM_JOB_ID=7
    SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 SLURM_JOB_NUM_NODES=1 PI_MODULES=
    bash "$TOP/slurm/long.sbatch" midpoint -n 1.2e10 --checkpoint-every 0.2)
"${long[@]}" >"$tmp/out" 2>"$tmp/err" &     # env execs bash: $! is the batch shell
b=$!
for _ in $(seq 1500); do [ -s "$tmp/long.ckpt" ] && break; sleep 0.04; done
kill -USR1 "$b"
wait "$b"
rc=$?
[ $rc -eq 0 ] && grep -q '^SIGUSR1 at .*: asking pi to checkpoint' "$tmp/out" &&
    grep -q "stopped by SIGUSR1: checkpoint saved in $tmp/long.ckpt" "$tmp/err" &&
    grep -q '^pi stopped at .* (exit 75): requeueing job 7' "$tmp/out" &&
    [ "$(cat "$tmp/requeued" 2>/dev/null)" = "requeue 7" ] && [ -s "$tmp/long.ckpt" ]
ok $? "long.sbatch: USR1 to the batch shell checkpoints pi (exit 75) and calls scontrol requeue 7 (exit $rc)"
want=$(mpi 2 "$PI" midpoint -n 1.2e10 | grep '^pi  ')
"${long[@]}" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "^resuming from $tmp/long.ckpt" "$tmp/out" && [ "$(grep '^pi  ' "$tmp/out")" = "$want" ] &&
    grep -q '^pi finished at .* with exit status 0' "$tmp/out" && [ ! -e "$tmp/long.ckpt" ] &&
    [ "$(wc -l <"$tmp/requeued")" -eq 1 ]
ok $? "long.sbatch started again: resumes, prints the uninterrupted pi, removes the checkpoint, no requeue"
done_testing
