#!/usr/bin/env bash
# faults.t - nothing lost: full disks, /dev/full, signals, a dead rank and out-of-range values end non-zero with the previous output intact.
. "$(dirname "$0")/../lib.sh"
MAP=${MAP:-$BIN/map}
small_tmp

# temps DIR: the temporaries map and pi leave if they fail to clean up
temps() { ls -A "$1" | grep -E '^\.map-|\.tmp\.' ; }
# same_as_before FILE: the previous output, byte for byte
same_as_before() { [ "$(cat "$1")" = "previous output" ]; }
# one_line_says FILE TEXT: exactly one stderr line contains TEXT
one_line_says() { [ "$(grep -cF -- "$2" "$1")" -eq 1 ]; }

seq 1 100000 >in.txt
perl -e 'print pack("d<*", 1..200000)' >in.f64

# ---- a full file system: a real 1 MiB tmpfs -------------------------------------------------
mount_small "$small"
if [ "$mounted" = yes ]; then
    for np in 1 2; do
        for c in "out.txt|" "out.f64|--binary" "out.txt|--schedule	dynamic" "out.f64|--binary	--schedule	dynamic"; do
            out=${c%%|*}
            IFS=$'\t' read -r -a opts <<<"${c#*|}"
            input=in.txt; [ "$out" = out.f64 ] && input=in.f64
            echo "previous output" >"$small/$out"
            mpi "$np" "$MAP" celsius "${opts[@]}" "$input" -o "$small/$out" >std.out 2>err.txt
            rc=$?
            [ $rc -eq 1 ] && one_line_says err.txt "map: cannot write $small/$out: No space left on device" &&
                same_as_before "$small/$out" && [ -z "$(temps "$small")" ] &&
                [ "$(ls -A "$small")" = "$out" ] && [ ! -s std.out ]
            ok $? "np=$np map ${opts[*]} -o on a full 1 MiB tmpfs: exit $rc, said once, previous $out intact, no temporary, nothing else there"
            rm -f "$small/$out"
        done
    done
    # the records fit elsewhere (--tmpdir); only the final text output hits the full disk
    echo "previous output" >"$small/out.txt"
    mpi 2 "$MAP" celsius in.txt -o "$small/out.txt" --tmpdir "$tmp" >std.out 2>err.txt
    rc=$?
    [ $rc -eq 1 ] && one_line_says err.txt "map: cannot write $small/out.txt: No space left on device" &&
        same_as_before "$small/out.txt" && [ -z "$(temps "$small")" ] && [ -z "$(temps "$tmp")" ]
    ok $? "np=2 text output alone on the full disk (--tmpdir elsewhere): exit $rc, intact, no temporaries in either place"
    # --tmpdir on the small disk, output elsewhere: map keeps its rounds in memory (issue 21),
    # so nothing goes there and the run completes
    mpi 2 "$MAP" celsius in.txt -o "$tmp/o.txt" --tmpdir "$small" >std.out 2>err.txt
    rc=$?
    [ $rc -eq 0 ] && [ "$(wc -l <"$tmp/o.txt")" -eq 100000 ] && [ "$(ls -A "$small")" = out.txt ] # the test before's
    ok $? "--tmpdir on a 1 MiB disk: exit $rc, no intermediate file, all 100000 results published"
    # pi bbp --digits -o: the disk filled but for 8 KiB, 30000 digits do not fit
    rm -f "$small"/*
    echo "previous output" >"$small/pi.txt"
    head -c $((1024 * 1024 - 16384)) /dev/zero >"$small/filler" 2>/dev/null
    mpi 2 "$PI" bbp --digits 30000 -o "$small/pi.txt" >std.out 2>err.txt
    rc=$?
    [ $rc -eq 1 ] && one_line_says err.txt "pi bbp: cannot write $small/pi.txt: No space left on device" &&
        same_as_before "$small/pi.txt" && [ -z "$(temps "$small")" ]
    ok $? "pi bbp --digits 30000 -o on a full disk: exit $rc, said once, previous file intact, no temporary"
    rm -f "$small"/*
    umount "$small"
else
    for i in $(seq 12); do echo "ok $((tap_n + 1)) # SKIP $mounted"; tap_n=$((tap_n + 1)); done
fi

# ---- /dev/full: every write fails ----------------------------------------------------------
for c in "text|in.txt" "binary|--binary	in.f64" "dynamic|--schedule	dynamic	in.txt"; do
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    for np in 1 2; do
        mpi "$np" "$MAP" celsius "${args[@]}" -o /dev/full >std.out 2>err.txt
        rc=$?
        [ $rc -eq 1 ] && one_line_says err.txt "map: cannot write /dev/full: No space left on device" &&
            [ -c /dev/full ] && [ ! -s std.out ] && [ -z "$(temps /dev)" ] && [ -z "$(temps /tmp)" ]
        ok $? "np=$np map ${c%%|*} -o /dev/full: exit $rc, said once, /dev/full still the device"
    done
    "$MAP" celsius "${args[@]}" >/dev/full 2>err.txt
    rc=$?
    [ $rc -eq 1 ] && one_line_says err.txt "map: cannot write standard output: No space left on device"
    ok $? "map ${c%%|*} to standard output on /dev/full: exit $rc"
done
mpi 2 "$PI" bbp --digits 1000 -o /dev/full >std.out 2>err.txt
rc=$?
[ $rc -eq 1 ] && one_line_says err.txt "pi bbp: cannot write /dev/full: No space left on device" && [ -c /dev/full ]
ok $? "pi bbp --digits -o /dev/full: exit $rc, said once, the device left a device"
for c in "midpoint	-n	1e6" "midpoint	-n	1e6	--json" "montecarlo	-n	1e5" "montecarlo	-n	1e5	--json" \
         "bbp	--hex-at	100" "bbp	--hex-at	100	--json" "bbp	--digits	100" "bbp	--digits	20000" \
         "bbp	--digits	100	--json" "all" "all	--json" "layout" "--help" "midpoint	--help"; do
    IFS=$'\t' read -r -a args <<<"$c"
    "$PI" "${args[@]}" >/dev/full 2>err.txt
    rc=$?
    [ $rc -eq 1 ] && grep -q "^pi.*: cannot write standard output: No space left on device$" err.txt
    ok $? "pi ${args[*]} >/dev/full: exit $rc, $(grep 'cannot write' err.txt)"
done
for c in "--help" "--list"; do
    "$MAP" "$c" >/dev/full 2>err.txt
    [ $? -eq 1 ] && one_line_says err.txt "map: cannot write standard output: No space left on device"
    ok $? "map $c >/dev/full: exit 1"
done

# ---- signals: to the launch (slurm/mpilaunch, which relays them) and to a rank; SIGKILL of a rank --
# 1000 sleep tasks of 0.01 s (about 5 s on 2 ranks): the run is surely under way when hit,
# whatever the machine's load, and costs no CPU.
for _ in $(seq 1000); do echo 0.01; done >slow.txt
# start_map: map slow.txt under mpilaunch -np 2 in the background (pid in $job), once under way
start_map() {
    echo "previous output" >out.txt
    # --foreground: timeout passes a signal on once; a second one to Open MPI's mpirun makes it
    # SIGKILL the ranks at once ("abort is already in progress"), which nobody can clean up after
    timeout --foreground 120 "$MPILAUNCH" -np 2 "$MAP" sleep slow.txt -o out.txt >std.out 2>err.txt &
    job=$!
    for _ in $(seq 200); do [ -n "$(temps .)" ] && break; sleep 0.05; done
    sleep 0.5
}
# finished_cleanly LABEL T0: the job ended non-zero within 10 s, nothing published, nothing left
finished_cleanly() {
    wait "$job"
    local rc=$? dt=$((SECONDS - $2)) left=""
    for _ in $(seq 50); do          # the launcher's last children may take a moment to be reaped
        left=$(pgrep -f "$MAP sleep slow.txt")
        [ -z "$left" ] && break
        sleep 0.1
    done
    # (Hydra SIGKILLs the other ranks at once when one dies or on SIGHUP: slurm/mpilaunch then
    # removes the temporaries they listed)
    [ $rc -ne 0 ] && [ $dt -le 10 ] && same_as_before out.txt && [ -z "$(temps .)" ] && [ -z "$left" ]
    ok $? "$1: exit $rc after ${dt} s, previous output intact, no temporary, no process left"
    same_as_before out.txt || diag "out.txt now: $(head -c 60 out.txt | tr '\n' ' ') ($(wc -l <out.txt) lines)"
    [ -z "$left" ] || { diag "left: $(ps -o pid,stat,args -p "$(echo $left | tr ' ' ,)")"; pkill -9 -f "$MAP sleep slow.txt"; }
    [ -z "$(temps .)" ] || { diag "temporaries: $(temps . | tr '\n' ' ')"; rm -f .map-* out.txt.tmp.*; }
}
for sig in TERM INT HUP; do
    start_map
    t0=$SECONDS
    kill -"$sig" "$job"
    finished_cleanly "SIG$sig to mpilaunch during map" "$t0"
done
for rank in 0 1; do
    for sig in TERM KILL; do
        start_map
        pids=($(pgrep -f "$MAP sleep slow.txt" | while read -r p; do
            [ "$(ps -o comm= -p "$p")" = map ] && echo "$p"; done))
        t0=$SECONDS
        kill -"$sig" "${pids[$rank]}"
        finished_cleanly "SIG$sig to rank $rank (pid ${pids[$rank]}) during map" "$t0"
    done
done
# the same job, not interrupted, publishes
head -n 100 slow.txt >slow100.txt
timeout 120 "$MPILAUNCH" -np 2 "$MAP" sleep slow100.txt -o out.txt >std.out 2>err.txt
[ $? -eq 0 ] && [ "$(grep -c '^0.01$' out.txt)" -eq 100 ] && [ -z "$(temps .)" ]
ok $? "not interrupted: 100 results published, no temporary"
echo "previous output" >pi.txt
timeout --foreground 120 "$MPILAUNCH" -np 2 "$PI" bbp --digits 5000000 -o pi.txt >std.out 2>err.txt &
job=$!
for _ in $(seq 200); do [ -n "$(temps .)" ] && break; sleep 0.05; done
sleep 0.5
kill -TERM "$job"
wait "$job"
rc=$?
for _ in $(seq 50); do [ -z "$(temps .)" ] && break; sleep 0.1; done
[ $rc -ne 0 ] && same_as_before pi.txt && [ -z "$(temps .)" ]
ok $? "SIGTERM to mpilaunch during pi bbp --digits -o: exit $rc, previous file intact, no temporary"
[ $rc -ne 0 ] && same_as_before pi.txt && [ -z "$(temps .)" ] || diag "pi.txt: $(head -c 40 pi.txt); temporaries: $(temps . | tr '\n' ' ')"

# ---- values out of a double's range, nan and inf ------------------------------------------
for c in "1e400|out of range for a double '1e400' (column 1)" "-1e400|out of range for a double '-1e400' (column 1)" \
         "nan|not a finite number (nan); --allow-nonfinite accepts it" \
         "inf|not a finite number (inf); --allow-nonfinite accepts it" \
         "-inf|not a finite number (inf); --allow-nonfinite accepts it"; do
    v=${c%%|*}
    printf '1\n2\n%s\n4\n' "$v" >vals.txt
    echo "previous output" >o.txt
    mpi 2 "$MAP" celsius vals.txt -o o.txt >std.out 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && one_line_says err.txt "vals.txt:3: ${c#*|}" && same_as_before o.txt
    ok $? "input $v: exit $rc, 'vals.txt:3: ${c#*|}', previous output intact"
done
printf '1\nnan\ninf\n-inf\n' | "$MAP" celsius --allow-nonfinite --format %.17g >std.out 2>err.txt
[ $? -eq 0 ] && [ "$(tr '\n' ' ' <std.out)" = "-17.222222222222221 nan inf -inf " ]
ok $? "--allow-nonfinite: nan, inf and -inf pass through as IEEE arithmetic makes them"
printf '1e400\n' | "$MAP" celsius --allow-nonfinite >std.out 2>err.txt
[ $? -eq 2 ] && one_line_says err.txt "stdin:1: out of range for a double '1e400'"
ok $? "--allow-nonfinite still refuses 1e400 (overflow is not inf in the data)"
printf '1e-400\n4e-320\n-1e-310\n' | "$MAP" double --format %.17g >std.out 2>err.txt
[ $? -eq 0 ] && [ "$(tr '\n' ' ' <std.out)" = "0 7.999910937461464e-320 -1.9999999999999939e-310 " ]
ok $? "underflow accepted: 1e-400 -> 0, subnormals kept: $(tr '\n' ' ' <std.out)"
printf '3\n1e200\n5\n' >sq.txt
mpi 2 "$MAP" square sq.txt >std.out 2>err.txt
[ $? -eq 2 ] && one_line_says err.txt "sq.txt: record 2: result overflows a double (inf); --allow-nonfinite accepts it"
ok $? "a result that overflows (square 1e200) stops the run: exit 2, record named"
"$MAP" square sq.txt --allow-nonfinite >std.out 2>/dev/null
[ $? -eq 0 ] && [ "$(sed -n 2p std.out)" = inf ]
ok $? "... and passes as inf with --allow-nonfinite"
perl -e 'print pack("d<*", 1, 2, 9**9**9, 4)' >inf.f64
perl -e 'print pack("d<*", 1, -sin(9**9**9), 3)' >nan.f64
for f in inf nan; do
    for sched in cyclic dynamic; do
        mpi 2 "$MAP" celsius --binary $f.f64 -o o.f64 --schedule $sched >std.out 2>err.txt
        rc=$?
        [ $rc -eq 2 ] && one_line_says err.txt "$f.f64: record" && grep -q "not a finite number ($f)" err.txt && [ ! -e o.f64 ]
        ok $? "binary $f ($sched): exit $rc, $(cat err.txt | grep record)"
    done
done
mpi 2 "$MAP" celsius --binary inf.f64 -o o.f64 --allow-nonfinite >/dev/null 2>&1
[ $? -eq 0 ] && [ "$(perl -e 'local $/; print join(" ", unpack("d<*", <STDIN>))' <o.f64)" = "-17.2222222222222 -16.6666666666667 Inf -15.5555555555556" ]
ok $? "binary inf with --allow-nonfinite: passes through"

done_testing
