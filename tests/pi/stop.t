#!/usr/bin/env bash
# stop.t - the one stop-and-cleanup mechanism: a checkpoint owned by one run (locked, a dead run's lock no obstacle, a symlink's target written and removed), SIGKILL of rank 0 inside a save, SIGUSR1/USR2/ALRM/XCPU to map -o and pi bbp --digits -o, SIGUSR1 in a run's first 60 ms, alone and through slurm/mpilaunch.
. "$(dirname "$0")/../lib.sh"
MAP=${MAP:-$BIN/map}
small_tmp
CK=$tmp/run.ckpt
LONG=(midpoint -n 3e10)               # never finishes here: every run below is stopped
SHORT=(midpoint -n 2e9 --threads 2)   # a few seconds

# temps DIR: temporaries left behind (map's .map-*, every FILE.tmp.*)
temps() { ls -A "$1" | grep -E '^\.map-|\.tmp\.'; }
# segs FILE: the segments a checkpoint records as done (0 without one)
segs() { local s; s=$(sed -n 's/^segments_done //p' "$1" 2>/dev/null); echo "${s:-0}"; }
# caught PID: the process has installed its signal handlers (SIGUSR1 in SigCgt); no fork
caught() {
    local key val
    while read -r key val; do
        [ "$key" = SigCgt: ] && { (( 0x$val & 0x200 )); return; }
    done <"/proc/$1/status" 2>/dev/null
    return 1
}
# all_caught PID N: launcher PID has its N ranks, every one with its handlers installed; no fork
all_caught() {
    local p n=0
    find_ranks "$1"
    for p in $RANKS; do caught "$p" || return 1; n=$((n + 1)); done
    [ "$n" -eq "$2" ]
}
# rank0 PID: the rank 0 process of mpirun PID
rank0() { local p; for p in $(ranks_of "$1"); do tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxE '(OMPI_COMM_WORLD_RANK|PMI_RANK)=0' && echo "$p"; done; }
# nap S: sleep S seconds without starting a process (read's timeout on a FIFO nobody writes)
mkfifo "$tmp/.nap"
exec 9<>"$tmp/.nap"
nap() { read -r -t "$1" -u 9 _; }
# await COND...: poll COND every 10 ms for at most 60 s; its status
await() { for _ in $(seq 6000); do "$@" && return 0; nap 0.01; done; return 1; }
# reap PID: wait for the background job PID (at most 60 s, then SIGKILL it and its children); status in $rc
reap() {
    await eval "! kill -0 $1 2>/dev/null" || { kill -KILL $(ranks_of "$1") "$1" 2>/dev/null; diag "killed a hung run"; }
    wait "$1" 2>/dev/null   # no job notice ("User defined signal 1") on stderr
    rc=$?
}
# gone PIDS...: none of the processes is left (given a moment to be reaped)
gone() { local p; for p in "$@"; do await eval "! kill -0 $p 2>/dev/null" || return 1; done; }
has_temp() { [ -n "$(temps "${1:-.}")" ]; }
exists() { [ -e "$1" ]; }

diag "${SECONDS}s"
# ---- one run owns a checkpoint -------------------------------------------------------------------
"$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err &
a=$!
await exists "$CK"
before=$(cksum <"$CK")
mpi 2 "$PI" "${LONG[@]}" --checkpoint "$CK" >b.out 2>b.err
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c "^pi midpoint:" b.err)" -eq 1 ] &&
    grep -qx "pi midpoint: checkpoint $CK is in use by another run (host $(hostname), pid $a): wait for it to end or give another --checkpoint FILE" b.err &&
    [ "$(cksum <"$CK")" = "$before" ] && [ ! -s b.out ] && kill -0 $a
ok $? "a second run (np 2) on a checkpoint in use: exit $rc at once, one line naming the file, host and pid $a: $(cat b.err)"
ln -s "$CK" other.ckpt
"$PI" "${LONG[@]}" --checkpoint other.ckpt >b.out 2>b.err
rc=$?
[ $rc -eq 2 ] && grep -q "checkpoint other.ckpt is in use by another run (host $(hostname), pid $a)" b.err &&
    [ "$(cksum <"$CK")" = "$before" ]
ok $? "... and through a symlink to it (the lock is the target's): exit $rc"
kill -USR1 $a
reap $a
[ $rc -eq 75 ] && grep -q "stopped by SIGUSR1: checkpoint saved in $CK" a.err && [ ! -e "$CK.lock" ] && ! has_temp
ok $? "the owner, undisturbed, stops on SIGUSR1: exit $rc, its checkpoint saved, lock file and temporaries gone"

# a dead run's lock file: the lock, not the file, decides
"$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err &
a=$!
await eval "grep -q ' $a\$' '$CK.lock' 2>/dev/null"
kill -KILL $a
reap $a
held=$(cat "$CK.lock" 2>/dev/null)
echo "half a checkpoint" >"$CK.tmp.Zz9Yy8"     # as a run SIGKILLed on every rank at once leaves
"$MPILAUNCH" --oversubscribe -np 2 "$PI" "${LONG[@]}" --checkpoint "$CK" >b.out 2>b.err &
b=$!
# lock_is_new: the lock file is there again and no longer the dead run's
lock_is_new() { [ -s "$CK.lock" ] && [ "$(cat "$CK.lock")" != "$held" ]; }
await lock_is_new
kill -USR1 $b
reap $b
[ -n "$held" ] && [ $rc -eq 75 ] && grep -q "stopped by SIGUSR1: checkpoint saved in $CK" b.err && ! has_temp
ok $? "a lock file left by a SIGKILLed run ($held) does not block the next run: it resumes, stops on SIGUSR1 (exit $rc)"
[ "$(grep -c "^pi midpoint: note: removed $CK.tmp.Zz9Yy8, left by a run that died while saving$" b.err)" -eq 1 ]
ok $? "... and, holding the lock, it removes a temporary a dead run left (said once)"

diag "${SECONDS}s"
# ---- SIGKILL of rank 0 inside a save: the surviving rank removes the temporary -------------------
export PI_TEST_SAVE_DELAY=5            # test-only: rank 0 waits 5 s between writing and renaming
"$MPILAUNCH" --oversubscribe -np 2 "$PI" "${LONG[@]}" --checkpoint "$CK" --checkpoint-every 0 >b.out 2>b.err &
b=$!
await has_temp
cp "$CK" inside.ckpt                   # the previous checkpoint, while the next one is being written
r0=$(rank0 $b)
others=$(ranks_of $b)
kill -KILL $r0
reap $b
unset PI_TEST_SAVE_DELAY
[ -n "$r0" ] && [ $rc -ne 0 ] && ! has_temp && cmp -s "$CK" inside.ckpt && gone $others
ok $? "SIGKILL of rank 0 (pid $r0) during a save: exit $rc, no $(basename "$CK").tmp.* left, the previous checkpoint byte for byte, no rank left"
has_temp && diag "left: $(temps . | tr '\n' ' ')"
"$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err &
a=$!
await caught $a
kill -USR1 $a
reap $a
[ $rc -eq 75 ] && [ "$(segs "$CK")" -ge "$(segs inside.ckpt)" ] && [ "$(segs inside.ckpt)" -gt 0 ] && ! has_temp
ok $? "... and that checkpoint resumes ($(segs inside.ckpt) segments, then $(segs "$CK")), no temporary left"

diag "${SECONDS}s"
# ---- a symlinked checkpoint: the target is written and removed, the link stays -------------------
rm -f "$CK"
mkdir -p scratch
ln -s scratch/target.ckpt link.ckpt
"$PI" "${SHORT[@]}" --checkpoint link.ckpt >a.out 2>a.err &
a=$!
await exists scratch/target.ckpt
kill -USR1 $a
reap $a
[ $rc -eq 75 ] && [ -L link.ckpt ] && [ "$(readlink link.ckpt)" = scratch/target.ckpt ] &&
    [ "$(segs scratch/target.ckpt)" -ge 0 ] && grep -q '^segments_done' scratch/target.ckpt && ! has_temp scratch
ok $? "--checkpoint a symlink, stopped: exit $rc, the checkpoint in its target, the link kept"
mpi 2 "$PI" "${SHORT[@]}" --checkpoint link.ckpt >a.out 2>a.err
rc=$?
[ $rc -eq 0 ] && [ ! -e scratch/target.ckpt ] && [ -L link.ckpt ] && [ ! -e scratch/target.ckpt.lock ] && ! has_temp scratch &&
    grep -qx "checkpoint     link.ckpt: resumed at [0-9.]*%, 0 saves, removed scratch/target.ckpt (the file the link points to; the link stays)" a.out
ok $? "resumed through the link and finished: the target removed (as said: $(grep '^checkpoint' a.out)), the link kept"
"$PI" midpoint -n 3e6 --checkpoint link.ckpt --json >a.out 2>a.err
[ $? -eq 0 ] && jtrue '$d->{checkpoint}{file} eq "link.ckpt" && $d->{checkpoint}{target} eq "scratch/target.ckpt"' <a.out &&
    [ ! -e scratch/target.ckpt ] && [ -L link.ckpt ]
ok $? "--json names the link and the target it wrote and removed"

diag "${SECONDS}s"
# ---- stop signals to map -o and pi bbp --digits -o, alone and under mpirun -----------------------
for _ in $(seq 1000); do echo 0.01; done >slow.txt    # map sleep: at least 5 s on 2 ranks, no CPU
num() { case $1 in USR1) echo 10 ;; USR2) echo 12 ;; ALRM) echo 14 ;; XCPU) echo 24 ;; esac; }
# hit SIG NP CMD...: CMD alone (NP 0) or under mpirun; SIG once its temporaries exist; $rc, $pids
hit() {
    local sig=$1 np=$2
    shift 2
    if [ "$np" = 0 ]; then
        "$@" >std.out 2>err.txt &
    else
        "$MPILAUNCH" --oversubscribe -np "$np" "$@" >std.out 2>err.txt &
    fi
    job=$!
    await has_temp
    sleep 0.3
    pids="$job $(ranks_of $job)"
    kill -"$sig" $job
    reap $job
}
for sig in USR1 USR2 ALRM XCPU; do
    for np in 0 2; do
        echo "previous output" >out.txt
        hit "$sig" "$np" "$MAP" sleep slow.txt -o out.txt
        want=$((128 + $(num $sig)))
        [ "$np" = 0 ] && [ $rc -eq $want ] || [ "$np" = 2 ] && [ $rc -ne 0 ]
        [ $? -eq 0 ] && [ "$(cat out.txt)" = "previous output" ] && ! has_temp && gone $pids
        ok $? "SIG$sig to map -o ($([ $np = 0 ] && echo alone || echo "mpilaunch -np $np")): exit $rc, previous output intact, no temporary, no process left"
        has_temp && { diag "left: $(temps . | tr '\n' ' ')"; rm -f .map-* out.txt.tmp.*; }
        echo "previous output" >pi.txt
        hit "$sig" "$np" "$PI" bbp --digits 3000000 -o pi.txt
        [ "$np" = 0 ] && [ $rc -eq $want ] || [ "$np" = 2 ] && [ $rc -ne 0 ]
        [ $? -eq 0 ] && [ "$(cat pi.txt)" = "previous output" ] && ! has_temp && gone $pids
        ok $? "SIG$sig to pi bbp --digits -o ($([ $np = 0 ] && echo alone || echo "mpilaunch -np $np")): exit $rc, previous file intact, no temporary, no process left"
        has_temp && { diag "left: $(temps . | tr '\n' ' ')"; rm -f pi.txt.tmp.*; }
    done
done
# pi chudnovsky --digits -o writes through the same code (drivers/pi/digits.c)
for c in "USR1 0" "XCPU 2"; do
    sig=${c% *} np=${c#* }
    echo "previous output" >pi.txt
    hit "$sig" "$np" "$PI" chudnovsky --digits 5000000 -o pi.txt
    [ "$np" = 0 ] && [ $rc -eq $((128 + $(num $sig))) ] || [ "$np" = 2 ] && [ $rc -ne 0 ]
    [ $? -eq 0 ] && [ "$(cat pi.txt)" = "previous output" ] && ! has_temp && gone $pids
    ok $? "SIG$sig to pi chudnovsky --digits -o ($([ $np = 0 ] && echo alone || echo "mpilaunch -np $np")): exit $rc, previous file intact, no temporary, no process left"
    has_temp && { diag "left: $(temps . | tr '\n' ' ')"; rm -f pi.txt.tmp.*; }
done
rm -f core core.*

diag "${SECONDS}s"
# ---- SIGUSR1 in a checkpointed run's first 60 ms: always saved and 75, never lost, never 138 -----
# Counted from the moment the process has its handlers (the first thing main does; before that
# only the dynamic loader runs): the options, MPI's start-up, the first save, the first steps.
# Every try resumes the previous try's checkpoint, so each also shows that one was whole.
rm -f "$CK"
early=0
bad=""
for d in 0 0.002 0.005 0.01 0.015 0.02 0.03 0.04 0.05 0.06; do
    "$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err &
    a=$!
    for _ in $(seq 30000); do caught $a && break; nap 0.001; done
    [ "$d" = 0 ] || sleep "$d"
    [ -e "$CK.lock" ] || early=$((early + 1))   # not yet: MPI still starting
    kill -USR1 $a
    reap $a
    [ $rc -eq 75 ] && [ "$(grep -c "stopped by SIGUSR1: checkpoint saved in $CK" a.err)" -eq 1 ] && [ -e "$CK" ] || bad="$bad $d:$rc"
done
[ -z "$bad" ]
ok $? "alone, SIGUSR1 0-60 ms after start (10 tries, $early before MPI had started): every one exit 75 with its checkpoint${bad:+; failed (delay:exit):$bad}"
# Through slurm/mpilaunch (as make run, the tests and the Slurm scripts launch): counted from the
# moment mpilaunch has its handlers, while the launcher and the ranks are still starting; it holds
# the signal until they catch it (Open MPI's mpirun alone dies of it or drops it in its first ~100 ms).
bad=""
lost=""
for d in 0 0.002 0.005 0.01 0.02 0.03 0.04 0.06 0.08 0.1; do
    "$MPILAUNCH" --oversubscribe -np 2 "$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err </dev/null &
    a=$!
    for _ in $(seq 30000); do caught $a && break; nap 0.001; done
    [ "$d" = 0 ] || sleep "$d"
    kill -USR1 $a
    reap $a
    [ "$(grep -c "stopped by SIGUSR1: checkpoint saved in $CK" a.err)" -eq 1 ] && [ -e "$CK" ] || bad="$bad $d:$rc"
    [ $rc -eq 75 ] || lost="$lost $d:$rc"
done
[ -z "$bad" ]
ok $? "mpilaunch -np 2, SIGUSR1 0-100 ms after it starts (10 tries): every one saved its checkpoint${bad:+; failed (delay:exit):$bad}"
[ -z "$bad$lost" ]
ok $? "... and every one exit 75${lost:+; not (delay:exit):$lost}"
last=$(segs "$CK")
"$PI" "${LONG[@]}" --checkpoint "$CK" >a.out 2>a.err &
a=$!
await caught $a
kill -TERM $a
reap $a
[ $rc -eq 75 ] && grep -q "stopped by SIGTERM: checkpoint saved in $CK at" a.err && [ "$(segs "$CK")" -ge "$last" ]
ok $? "the last of them resumes (exit $rc, $last segments, then $(segs "$CK"))"

diag "${SECONDS}s"
# ---- without --checkpoint: a stop signal ends the run with its own status ------------------------
for sig in INT TERM USR1; do
    "$PI" midpoint -n 3e10 >a.out 2>a.err &
    a=$!
    await caught $a
    kill -"$sig" $a
    reap $a
    case $sig in INT) want=130 ;; TERM) want=143 ;; USR1) want=138 ;; esac
    [ $rc -eq $want ]
    ok $? "pi midpoint without --checkpoint, SIG$sig as soon as it runs: exit $rc ($want)"
done

done_testing
