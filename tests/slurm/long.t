#!/usr/bin/env bash
# slurm_long.t - slurm/long.sbatch on a real Slurm started here: a job sent SIGUSR1 checkpoints,
# requeues itself and finishes with the uninterrupted result.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
private_slurm
cd "$tmp" || exit 1

# state ID: the job's state and restart count ("RUNNING 0")
state() {
    scontrol show job "$1" 2>/dev/null |
        sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p; s/.*Restarts=\([0-9]*\).*/\1/p' | tr '\n' ' '
}
# wait_for ID REGEX: wait (at most 240 s) until "STATE RESTARTS" matches REGEX; 1 if it never did
wait_for() {
    for _ in $(seq 480); do
        grep -Eq "$2" <<<"$(state "$1")" && return 0
        sleep 0.5
    done
    diag "job $1: $(state "$1")"
    return 1
}

args=(midpoint -n 2e10)
want=$(mpi 2 "$PI" "${args[@]}" | grep '^pi  ')
for launcher in mpirun srun; do
    j=$(PI_LAUNCHER=$launcher sbatch --parsable -N 1 -n 2 "$TOP/slurm/long.sbatch" "${args[@]}" --checkpoint-every 0.5)
    ck=$tmp/pi-long-$j.ckpt
    out=$tmp/pi-long-$j.out
    for _ in $(seq 480); do [ -s "$ck" ] && break; sleep 0.25; done
    [ -s "$ck" ] && scancel --signal=USR1 --batch "$j"
    ok $? "$launcher: long.sbatch job $j running, checkpoint written; scancel --signal=USR1 --batch sent"
    wait_for "$j" '^[A-Z_]+ [1-9]' && wait_for "$j" '^COMPLETED '
    st=$(state "$j")
    ok $? "$launcher: the job was requeued and completed ($st)"
    grep -q "^=== start 1 of job $j" "$out" && grep -q '^SIGUSR1 at .*: asking pi to checkpoint' "$out" &&
        grep -q "stopped by SIGUSR1: checkpoint saved in $ck at" "$out" &&
        grep -q "^pi stopped at .* (exit 75): requeueing job $j" "$out" &&
        grep -q "^=== start 2 of job $j" "$out" && grep -q "^resuming from $ck" "$out" &&
        grep -q "^pi finished at .* with exit status 0" "$out" && grep -q "launcher $launcher" "$out"
    ok $? "$launcher: the output shows both starts: the stop with its checkpoint, the requeue, the resumption"
    got=$(grep '^pi  ' "$out")
    [ -n "$want" ] && [ "$got" = "$want" ] && grep -q "^checkpoint  *$ck: resumed at [0-9.]*%" "$out" &&
        grep -q '^check  *pass' "$out" && [ ! -e "$ck" ]
    ok $? "$launcher: the resumed job printed the uninterrupted pi ($want), checkpoint removed"
    [ "$tap_failed" -eq 0 ] || { diag "$(cat "$out")"; break; }
done

PI_LAUNCHER=bogus sbatch --parsable -n 1 --output=bad-%j.out \
    "$TOP/slurm/long.sbatch" midpoint -n 1e6 >jid && wait_for "$(cat jid)" '^(FAILED|COMPLETED) ' &&
    grep -q "PI_LAUNCHER must be mpirun or srun, not 'bogus'" "bad-$(cat jid).out"
ok $? "an unknown launcher fails the job loudly"

"$TOP/tests/slurm/cluster.sh" stop "$cluster"
trap 'rm -rf "$tmp"' EXIT
done_testing
