#!/usr/bin/env bash
# checkpoint.t - pi --checkpoint: runs stopped by SIGUSR1, SIGTERM and SIGINT at several moments
# resume on the same and other layouts with the uninterrupted result, bit for bit; other runs',
# corrupt and truncated checkpoints are refused; a full disk keeps the previous checkpoint.
. "$(dirname "$0")/../lib.sh"
small_tmp
CK=$tmp/run.ckpt
MID=(midpoint -n 1.2e10)              # about 4 s on one core, 2 s on two
MC=(montecarlo -n 2e9 --seed 77)      # the same for the darts

# segs FILE: the segments a checkpoint records as done (0 without one)
segs() { local s; s=$(sed -n 's/^segments_done //p' "$1" 2>/dev/null); echo "${s:-0}"; }
# segs_all FILE: the segments of the whole run that a checkpoint records (0 without one)
segs_all() { local s; s=$(sed -n 's/^segments //p' "$1" 2>/dev/null); echo "${s:-0}"; }
# start NP THREADS ARGS...: pi in the background, alone (NP 0) or under mpirun; pid in $run
start() {
    local np=$1 t=$2
    shift 2
    if [ "$np" = 0 ]; then
        "$PI" "$@" --threads "$t" >run.out 2>run.err &
    else
        "$MPILAUNCH" --oversubscribe --bind none -np "$np" "$PI" "$@" --threads "$t" >run.out 2>run.err &
    fi
    run=$!
}
# until_segs MIN: wait until $CK records at least MIN segments; 1 if the run ended first (or 90 s)
until_segs() {
    for _ in $(seq 4500); do
        [ "$(segs "$CK")" -ge "$1" ] && return 0
        kill -0 "$run" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}
# finish: wait for $run (at most 90 s, then SIGKILL it and its children); its exit status in $rc
finish() {
    for _ in $(seq 4500); do kill -0 "$run" 2>/dev/null || break; sleep 0.02; done
    kill -0 "$run" 2>/dev/null && { kill -KILL $(ranks_of "$run") $(pgrep -P "$run") "$run"; diag "killed a hung run"; }
    wait "$run"
    rc=$?
}
# interrupt NP THREADS SIGNAL WHERE MIN ARGS...: start a run from $CK, wait until it records MIN
# segments, send SIGNAL to mpirun (WHERE=launcher), to every rank (ranks) or to the lone
# process (NP 0); $rc, and $seen = the segments recorded when the signal went
interrupt() {
    local np=$1 t=$2 sig=$3 where=$4 min=$5
    shift 5
    start "$np" "$t" "$@" --checkpoint "$CK" --checkpoint-every 0.05
    if ! until_segs "$min"; then
        seen=none
        finish
        return
    fi
    seen=$(segs "$CK")
    if [ "$where" = ranks ]; then kill -"$sig" $(ranks_of "$run"); else kill -"$sig" "$run"; fi
    finish
}
# stop NP THREADS SIGNAL WHERE PCT ARGS...: interrupt once the checkpoint holds PCT per cent of
# the segments still to do more than now (at least one more: without a checkpoint, at its first
# save), a share, so that a faster machine (more segments a save) still stops before the end;
# 0 if the run stopped with exit 75 (non-zero when SIGTERM went to mpirun, which then ends the
# job itself) and said where its checkpoint is.  (Hydra, which may exit 0 after forwarding a
# signal, gets it from slurm/mpilaunch at its ranks: their 75 comes through.)
stop() {
    local done more
    done=$(segs "$CK")
    more=$(( ($(segs_all "$CK") - done) * $5 / 100 ))
    interrupt "$1" "$2" "$3" "$4" $((done + (more > 1 ? more : 1))) "${@:6}"
    if [ "$3 $4" = "TERM launcher" ] && [ "$1" != 0 ]; then [ "$rc" -ne 0 ]; else [ "$rc" -eq 75 ]; fi &&
        stopped "$3"
}
# resume NP THREADS ARGS...: run from the checkpoint to the end
resume() { start "$@" --checkpoint "$CK"; finish; }
# results < OUTPUT: the lines (text) or keys (JSON) that must equal the uninterrupted run's:
# everything but layout, timing, build and checkpoint facts
results() {
    perl -e 'my $s = join "", <STDIN>;
        my %skip = map { $_ => 1 } qw(ranks threads workers hosts cpus host seconds seconds_median
            repeat steps_per_second samples_per_second terms_per_second);
        if ($s =~ /^\{/) {
            $s =~ s/"(build|checkpoint)": \{[^{}]*\}(, )?//g; $s =~ s/^\{|\}\s*$//g;
            print map { "$_\n" } grep { my ($k) = /^"([^"]*)"/; !$skip{$k} } split /, (?=")/, $s;
        } else {
            print grep { /^(pi |hits|std error|99%|\|pi - true|truncation|rounding|check )/ } split /^/, $s;
        }'
}
# same_as REF: the finished run ($rc, run.out) printed REF's results, exactly, and left no file
same_as() {
    [ "$rc" -eq 0 ] && [ "$(results <run.out | wc -l)" -ge 5 ] &&
        [ "$(results <run.out)" = "$(results <"$1")" ] && [ ! -e "$CK" ] && [ -z "$(ls -A | grep '\.tmp\.')" ]
}
# stopped: the run said it stopped, and the checkpoint is at least where it was signalled
stopped() {
    [ "$seen" != none ] && grep -q "stopped by SIG$1: checkpoint saved in $CK at" run.err &&
        [ "$(grep -c 'stopped by' run.err)" -eq 1 ] && [ "$(segs "$CK")" -ge "$seen" ]
}

# ---- the uninterrupted results ------------------------------------------------------------
mpi 2 --bind none "$PI" "${MID[@]}" >mid.txt 2>/dev/null && mpi 2 --bind none "$PI" "${MID[@]}" --json >mid.json &&
    mpi 2 --bind none "$PI" "${MC[@]}" >mc.txt && mpi 2 --bind none "$PI" "${MC[@]}" --json >mc.json
ok $? "uninterrupted references: midpoint and montecarlo, text and JSON"
"$PI" midpoint -n 3e6 >a.txt && mpi 3 "$PI" midpoint -n 3e6 --threads 2 >b.txt &&
    [ "$(results <a.txt)" = "$(results <b.txt)" ] && grep -q '^pi ' a.txt
ok $? "without --checkpoint the result is the same on 1x1 and 3x2 already"
resume 0 1 midpoint -n 3e6 --checkpoint-every 0
same_as a.txt && grep -q "^checkpoint  *$CK: fresh start, [1-9][0-9]* saves\?, removed$" run.out
ok $? "a checkpointed run that is never stopped prints the same and removes its checkpoint"

# ---- midpoint: stopped three times on three layouts, resumed on a fourth ----------------------
stop 2 1 USR1 launcher 1 "${MID[@]}"
ok $? "np 2 x 1: SIGUSR1 to mpirun at the first checkpoint ($seen segments): exit $rc (75), checkpoint saved"
stop 3 1 TERM ranks 30 "${MID[@]}" --json
ok $? "resumed on np 3 x 1, SIGTERM to every rank at $seen segments: exit $rc (75), checkpoint saved"
stop 0 2 INT launcher 30 "${MID[@]}"
ok $? "resumed alone with 2 threads, SIGINT at $seen segments: exit $rc (75), checkpoint saved"
resume 1 2 "${MID[@]}"
same_as mid.txt && grep -q "^checkpoint  *$CK: resumed at [0-9.]*%, 0 saves, removed$" run.out
ok $? "finished on np 1 x 2: pi and every result line as the uninterrupted run's, checkpoint removed"

stop 1 1 TERM launcher 1 "${MID[@]}" --json
ok $? "SIGTERM to mpirun (it ends the job: exit $rc): the ranks saved the checkpoint first"
stop 1 1 USR1 launcher 20 "${MID[@]}" --json
ok $? "resumed on the same layout (np 1 x 1), stopped again by SIGUSR1 at $seen segments"
resume 2 2 "${MID[@]}" --json
same_as mid.json && jtrue '$d->{checkpoint}{resumed_from} > 0 && $d->{checkpoint}{computed} + $d->{checkpoint}{resumed_from} == 12000000000' <run.out
ok $? "finished on np 2 x 2 with --json: every result field as the uninterrupted run's"

# the earliest moment, with the default --checkpoint-every (300 s): signalled as soon as the fresh
# run's first save (before any work) exists; the stop alone saves the progress
start 2 1 "${MID[@]}" --checkpoint "$CK"
for _ in $(seq 4500); do [ -e "$CK" ] && break; sleep 0.02; done
seen=0
kill -USR1 "$run"
finish
[ "$rc" -eq 75 ] && stopped USR1 && [ "$(segs "$CK")" -lt 11445 ]
ok $? "np 2 x 1, default --checkpoint-every: SIGUSR1 as soon as the file exists: exit $rc, $(segs "$CK") segments saved"
resume 1 2 "${MID[@]}" --json
same_as mid.json
ok $? "resumed on np 1 x 2: the uninterrupted JSON results"

# ---- montecarlo: hits identical -----------------------------------------------------------
stop 3 1 USR1 launcher 1 "${MC[@]}"
ok $? "montecarlo np 3 x 1: SIGUSR1 to mpirun at $seen segments: exit 75, checkpoint saved"
stop 1 2 TERM ranks 20 "${MC[@]}"
ok $? "montecarlo resumed on np 1 x 2, SIGTERM to the rank at $seen segments: exit 75"
resume 2 1 "${MC[@]}"
same_as mc.txt && grep -q "^hits  *$(jfield hits <mc.json) of 2000000000" run.out
ok $? "montecarlo finished on np 2 x 1: pi and hits ($(jfield hits <mc.json)) as uninterrupted"
stop 2 2 USR1 ranks 1 "${MC[@]}" --json
ok $? "montecarlo np 2 x 2: SIGUSR1 to the ranks at $seen segments: exit 75"
resume 0 1 "${MC[@]}" --json --keep-checkpoint
keep=$(cat "$CK" 2>/dev/null)
rm -f "$CK"; same_as mc.json && [ "$(segs <(echo "$keep"))" -eq 1908 ]
ok $? "montecarlo finished alone with --keep-checkpoint, JSON as uninterrupted, final checkpoint kept"
echo "$keep" >"$CK"
resume 3 1 "${MC[@]}" --keep-checkpoint --json
jtrue '$d->{checkpoint}{computed} == 0 && $d->{checkpoint}{resumed_from} == 2000000000' <run.out &&
    rm -f "$CK" && same_as mc.json
ok $? "rerun from a finished, kept checkpoint: nothing computed, the same JSON results"

# ---- checkpoints that are not this run's ------------------------------------------------
# refused FILE TEXT ARGS...: pi ARGS --checkpoint FILE exits 2 with one line containing TEXT,
# FILE untouched
refused() {
    local f=$1 text=$2 before
    shift 2
    before=$(cksum <"$f")
    mpi 2 "$PI" "$@" --checkpoint "$f" >run.out 2>run.err
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -cF -- "$text" run.err)" -eq 1 ] && [ "$(cksum <"$f")" = "$before" ] &&
        [ ! -s run.out ]
}
"$PI" midpoint -n 5e6 --checkpoint mid.ck --keep-checkpoint >/dev/null &&
    "$PI" montecarlo -n 5e6 --checkpoint mc.ck --keep-checkpoint >/dev/null
ok $? "small finished runs with --keep-checkpoint leave their checkpoints"
refused mid.ck "checkpoint mid.ck is another run's (n 5000000 there, 6000000 here)" midpoint -n 6e6
ok $? "other n: exit $rc, said once, file untouched"
refused mid.ck "(method midpoint there, montecarlo here)" montecarlo -n 5e6
ok $? "other method: exit $rc"
refused mc.ck "(seed 1 there, 2 here)" montecarlo -n 5e6 --seed 2
ok $? "other seed: exit $rc"
refused mc.ck "(kernel fast there, ref here)" montecarlo -n 5e6 --kernel ref
ok $? "other kernel: exit $rc"
sed 's/^format .*/format pi-checkpoint-9/' mid.ck >fmt.ck
refused fmt.ck "is corrupt (checksum mismatch): remove it to start afresh" midpoint -n 5e6
ok $? "an edited line (checksum no longer matches): exit $rc"
perl -pe 's/^(total 0x\w{20})(\w)/$1 . ($2 eq "0" ? "1" : "0")/e' mid.ck >flip.ck
! cmp -s flip.ck mid.ck && refused flip.ck "checkpoint flip.ck is corrupt (checksum mismatch)" midpoint -n 5e6
ok $? "one digit of the total changed: exit $rc"
head -c 200 mid.ck >cut.ck
refused cut.ck "checkpoint cut.ck is truncated (no complete last line)" midpoint -n 5e6
ok $? "truncated in the middle of a line: exit $rc"
head -n -1 mid.ck >cut2.ck
refused cut2.ck "is truncated (no checksum line)" midpoint -n 5e6
ok $? "truncated at a line boundary (checksum line lost): exit $rc"
: >empty.ck
refused empty.ck "checkpoint empty.ck is truncated" midpoint -n 5e6
ok $? "an empty file: exit $rc"
# a valid checksum over impossible contents: more segments done than there are
perl -e 'local $/; my $t = <STDIN>; $t =~ s/^segments_done \d+/segments_done 99/m; $t =~ s/^fnv1a64 .*\n//m;
    my $h = 0xcbf29ce484222325; use integer;
    for (unpack "C*", $t) { $h ^= $_; $h = ($h * 0x100000001b3) & 0xffffffffffffffff }
    no integer; printf "%sfnv1a64 %016x\n", $t, $h' <mid.ck >odd.ck
refused odd.ck "checkpoint odd.ck is corrupt (impossible progress 99" midpoint -n 5e6
ok $? "checksum right but more segments done than exist: refused, exit $rc"
head -c 100 /dev/urandom >rand.ck
refused rand.ck "checkpoint rand.ck is" midpoint -n 5e6
ok $? "random bytes: exit $rc"
mkdir dir.ck
mpi 1 "$PI" midpoint -n 5e6 --checkpoint dir.ck >run.out 2>run.err
[ $? -eq 2 ] && grep -q "cannot read checkpoint dir.ck: not a regular file" run.err
ok $? "a directory as FILE: exit 2"

mpi 2 "$PI" "${MID[@]}" --checkpoint "$tmp/no/such/dir/x.ckpt" >run.out 2>run.err
[ $? -eq 1 ] && [ "$(grep -c "cannot write checkpoint $tmp/no/such/dir/x.ckpt: No such file or directory" run.err)" -eq 1 ] &&
    [ ! -s run.out ]
ok $? "a checkpoint that cannot be written: exit 1 at the start, before any work, said once"

# usage errors: exit 2, one line naming the value
bad() { "$PI" "$@" >run.out 2>run.err; rc=$?; [ $rc -eq 2 ] && [ "$(wc -l <run.err)" -eq 1 ]; }
bad midpoint -n 1e6 --checkpoint-every 5 && grep -q -- "--checkpoint-every needs --checkpoint FILE" run.err &&
    bad midpoint --keep-checkpoint && grep -q -- "--keep-checkpoint needs --checkpoint FILE" run.err &&
    bad midpoint --checkpoint x --checkpoint-every -1 && grep -q -- "invalid --checkpoint-every '-1'" run.err &&
    bad midpoint --checkpoint x --checkpoint-every 1h && grep -q -- "invalid --checkpoint-every '1h'" run.err &&
    bad midpoint --checkpoint '' && grep -q "invalid --checkpoint '': empty file name" run.err &&
    bad midpoint --checkpoint x --repeat 3 && grep -q -- "--repeat 3 cannot be combined with --checkpoint" run.err &&
    bad montecarlo --checkpoint x --rng gsl && grep -q -- "--checkpoint needs --rng philox" run.err && [ ! -e x ]
ok $? "usage errors: --checkpoint-every/--keep-checkpoint alone, bad seconds, empty FILE, --repeat, --rng gsl"
"$PI" midpoint --help | grep -q -- '--checkpoint-every S' && "$PI" montecarlo --help | grep -q -- '--keep-checkpoint' &&
    "$PI" --help | grep -q '^75 stopped by a signal after saving --checkpoint FILE'
ok $? "--help of midpoint, montecarlo and pi name the checkpoint options and exit 75"

# ---- a full disk while saving: non-zero, the previous checkpoint untouched ----------------------
mount_small "$small"
if [ "$mounted" = yes ]; then
    CK=$small/full.ckpt
    stop 2 1 USR1 launcher 1 "${MID[@]}"
    ok $? "a checkpoint on the small tmpfs ($seen segments)"
    cp "$CK" before.ck
    head -c 2M /dev/zero >"$small/filler" 2>/dev/null
    resume 2 1 "${MID[@]}" --checkpoint-every 0
    [ "$rc" -eq 1 ] && [ "$(grep -c "pi midpoint: cannot write checkpoint $CK: No space left on device" run.err)" -eq 1 ] &&
        cmp -s "$CK" before.ck && [ -z "$(ls -A "$small" | grep '\.tmp\.')" ] && [ ! -s run.out ]
    ok $? "disk full at the next save: exit $rc, said once, previous checkpoint byte for byte, no temporary"
    rm -f "$small/filler"
    resume 1 2 "${MID[@]}"
    same_as mid.txt
    ok $? "space again: the run resumes from the untouched checkpoint and prints the uninterrupted pi"
    umount "$small"
else
    for _ in 1 2 3; do echo "ok $((tap_n + 1)) # SKIP $mounted"; tap_n=$((tap_n + 1)); done
fi
# ---- bbp --hex-at: the 120-bit fraction, kept mod 1 -------------------------------------------
HEX=(bbp --hex-at 2e8)
mpi 2 --bind none "$PI" "${HEX[@]}" --json >hex.json
ok $? "uninterrupted reference: bbp --hex-at 2e8 = $(jfield hex <hex.json)"
stop 2 1 USR1 launcher 1 "${HEX[@]}" --json
ok $? "bbp --hex-at np 2 x 1: SIGUSR1 to mpirun at $seen segments: exit $rc (75), checkpoint saved"
stop 3 1 TERM ranks 20 "${HEX[@]}" --json
ok $? "bbp --hex-at resumed on np 3 x 1, SIGTERM to every rank at $seen segments: exit $rc (75)"
cp "$CK" hex.ckpt
"$PI" bbp --hex-at 3e8 --checkpoint "$CK" >run.out 2>run.err
[ $? -eq 2 ] && grep -qF "checkpoint $CK is another run's (--hex-at 200000000 there, 300000000 here)" run.err &&
    cmp -s "$CK" hex.ckpt
ok $? "bbp --hex-at 3e8 with the 2e8 run's checkpoint: exit 2, file untouched: $(cat run.err)"
"$PI" bbp --hex-at 2e8 --kernel ref --checkpoint "$CK" >run.out 2>run.err
[ $? -eq 2 ] && grep -q "another run's (kernel fast there, ref here)" run.err
ok $? "the same position with the other kernel: refused: $(cat run.err)"
resume 1 2 "${HEX[@]}" --json
same_as hex.json && [ "$(jfield hex <run.out)" = "$(jfield hex <hex.json)" ]
ok $? "bbp --hex-at finished on np 1 x 2: hex $(jfield hex <run.out) and every result field as uninterrupted"
"$PI" bbp --digits 100 --checkpoint "$CK" >run.out 2>run.err
[ $? -eq 2 ] && grep -q "applies to --hex-at" run.err
ok $? "--checkpoint with --digits: exit 2: $(cat run.err)"

done_testing
