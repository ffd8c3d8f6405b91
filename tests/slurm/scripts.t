#!/usr/bin/env bash
# slurm_scripts.t - the sbatch scripts' argument handling, run directly with a faked job environment
# (no Slurm daemons needed; tests/slurm.t runs them for real).
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
job() { # run a script as if Slurm had started it on one node with 2 tasks
    env SLURM_SUBMIT_DIR="$TOP" PI_BIN="$BIN" SLURM_JOB_ID=7 SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 \
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
# program under $MPIRUN; every script must ask for PMIx, the task count and the task's CPUs.
mkdir -p "$tmp/fake"
cat >"$tmp/fake/srun" <<SRUN
#!/usr/bin/env bash
echo "srun \$*" >>"\$SRUN_LOG"
n=1
while [ \$# -gt 0 ] && [ "\${1#-}" != "\$1" ]; do
    case \$1 in -n) n=\$2; shift ;; esac
    shift
done
exec "$MPILAUNCH" --oversubscribe -np "\$n" "\$@"
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
        [ "$(grep -c "^srun --mpi=pmix -n 2 --cpus-per-task=1 $BIN/" "$SRUN_LOG")" -eq 2 ] &&
        grep -q '^job 7: .* launcher srun,' "$tmp/out" &&
        grep -q '^layout 2 ranks x 1 thread .*(expected 2 ranks: ok)' "$tmp/out" && good=$((good + 1))
    [ $rc -eq 0 ] || diag "${a[0]}: $(tail -n 2 "$tmp/err")"
done
ok $((good != 4)) "PI_LAUNCHER=srun: every script runs srun --mpi=pmix -n 2 --cpus-per-task=1 (layout, then the program) ($good of 4)"

# An srun whose PMI the MPI does not speak starts singletons: each script refuses, one line, exit 1.
mkdir -p "$tmp/single"
cat >"$tmp/single/srun" <<'SRUN'
#!/bin/sh
while [ "${1#-}" != "$1" ]; do [ "$1" = -n ] && shift; shift; done
"$@" & a=$!
"$@" & b=$!
wait $a && wait $b
SRUN
chmod +x "$tmp/single/srun"
good=0
for s in pi.sbatch hybrid.sbatch "map.sbatch celsius $tmp/in.f64 $tmp/out2.f64" long.sbatch; do
    read -r -a a <<<"$s"
    PATH="$tmp/single:$PATH" PI_LAUNCHER=srun PI_CHECKPOINT="$tmp/single.ckpt" \
        job "$TOP/slurm/${a[0]}" "${a[@]:1}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^FAILED: the MPI world is not the 2 ranks Slurm allocated (launcher srun, exit 1): pi layout: FAILED: the MPI world has 1 rank, expected 2: .*; is PI_SRUN_MPI=pmix this MPI's PMI? (Open MPI: pmix, MPICH: pmi2)$" "$tmp/err" &&
        [ ! -e "$tmp/out2.f64" ] && [ ! -e "$tmp/single.ckpt" ] && good=$((good + 1))
    [ $rc -eq 1 ] || diag "${a[0]}: exit $rc: $(tail -n 2 "$tmp/err")"
done
ok $((good != 4)) "singletons from a PMI the MPI does not speak ($MPI_FLAVOR build): every script refuses, one line, exit 1 ($good of 4)"

# long.sbatch outside Slurm: SIGUSR1 to the batch shell reaches pi through mpirun, pi saves and
# exits 75, the script calls `scontrol requeue JOBID` (a stand-in here that records its arguments);
# started again it resumes and finishes with the uninterrupted pi
mkdir -p "$tmp/fake"
printf '#!/bin/sh\necho "$*" >>"%s/requeued"\n' "$tmp" >"$tmp/fake/scontrol"
chmod +x "$tmp/fake/scontrol"
long=(env PATH="$tmp/fake:$PATH" PI_CHECKPOINT="$tmp/long.ckpt" SLURM_SUBMIT_DIR="$TOP" PI_BIN="$BIN" SLURM_JOB_ID=7
    SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 SLURM_JOB_NUM_NODES=1 PI_MODULES=
    bash "$TOP/slurm/long.sbatch" midpoint -n 1.2e10 --checkpoint-every 0.2)
# usr1_long [VAR=VALUE...]: long.sbatch (in that environment) sent SIGUSR1 once its checkpoint
# exists; its exit status in $rc
usr1_long() {
    env "$@" "${long[@]}" >"$tmp/out" 2>"$tmp/err" &   # env execs bash: $! is the batch shell
    local b=$!
    for _ in $(seq 1500); do [ -s "$tmp/long.ckpt" ] && break; sleep 0.04; done
    kill -USR1 "$b"
    wait "$b"
    rc=$?
}
usr1_long
[ $rc -eq 0 ] && grep -q '^SIGUSR1 at .*: asking pi to checkpoint' "$tmp/out" &&
    grep -q "stopped by SIGUSR1: checkpoint saved in $tmp/long.ckpt" "$tmp/err" &&
    grep -q '^pi stopped .*: requeueing job 7' "$tmp/out" &&
    [ "$(cat "$tmp/requeued" 2>/dev/null)" = "requeue 7" ] && [ -s "$tmp/long.ckpt" ]
ok $? "long.sbatch: USR1 to the batch shell checkpoints pi and calls scontrol requeue 7 (exit $rc)"
grep -q '^pi stopped at .* (exit 75): requeueing job 7' "$tmp/out"
ok $? "long.sbatch: the launcher passed on pi's exit status 75"
want=$(mpi 2 "$PI" midpoint -n 1.2e10 | grep '^pi  ')
"${long[@]}" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "^resuming from $tmp/long.ckpt" "$tmp/out" && [ "$(grep '^pi  ' "$tmp/out")" = "$want" ] &&
    grep -q '^pi finished at .* with exit status 0' "$tmp/out" && [ ! -e "$tmp/long.ckpt" ] &&
    [ "$(wc -l <"$tmp/requeued")" -eq 1 ]
ok $? "long.sbatch started again: resumes, prints the uninterrupted pi, removes the checkpoint, no requeue"

# A launcher that forwards SIGUSR1 and then exits 0 whatever the ranks did (as MPICH's Hydra 4.0.2
# may): the stopped run's checkpoint is still there, so long.sbatch requeues all the same.
cat >"$tmp/fake/mpirun0" <<LIAR
#!/usr/bin/env bash
"$MPIRUN" "\$@" &
child=\$!
trap 'kill -USR1 \$child 2>/dev/null' USR1
while kill -0 \$child 2>/dev/null; do wait \$child; done
exit 0
LIAR
chmod +x "$tmp/fake/mpirun0"
usr1_long MPIRUN="$tmp/fake/mpirun0"
[ $rc -eq 0 ] && grep -q "stopped by SIGUSR1: checkpoint saved in $tmp/long.ckpt" "$tmp/err" &&
    grep -q "^pi stopped by SIGUSR1 at .*, checkpoint $tmp/long.ckpt kept (the launcher exited 0, not 75): requeueing job 7" "$tmp/out" &&
    [ "$(wc -l <"$tmp/requeued")" -eq 2 ] && [ -s "$tmp/long.ckpt" ]
ok $? "long.sbatch under a launcher that exits 0 after forwarding SIGUSR1: requeued, checkpoint kept (exit $rc)"
[ $rc -eq 0 ] || diag "$(tail -n 3 "$tmp/out" "$tmp/err")"
done_testing
