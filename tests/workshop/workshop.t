#!/usr/bin/env bash
# workshop.t - the workshop lessons: who runs where (incl. MPMD), ordering, queue, counters, shared window, ping-pong.
. "$(dirname "$0")/../lib.sh"

WS=$BIN/workshop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- processes: every rank and thread, in rank order, its own number doubled -----------------
for np in 1 2 3; do
    for t in 1 2; do
        out=$(mpi "$np" "$WS" processes --threads "$t" --json 2>"$tmp/err")
        rc=$?
        [ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && jtrue '
            my @r = @{$d->{ranks}}; my $ok = @r == '"$np*$t"' && $d->{lesson} eq "processes";
            for my $i (0..$#r) { my $x = $r[$i];
                $ok &&= $x->{rank} == int($i / '"$t"') && $x->{thread} == $i % '"$t"'
                    && $x->{input} == 5 * ($i + 1) && $x->{output} == 2 * $x->{input}
                    && $x->{appnum} == 0 && $x->{task} eq "double" && $x->{pid} > 0
                    && length $x->{host} && $x->{cpu} >= 0 }
            $ok' <<<"$out"
        ok $? "processes np=$np threads=$t: ${np}x$t records in rank order, 5(w+1) doubled"
    done
done
out=$(mpi 3 "$WS" processes)
[ "$(grep -c '^rank ' <<<"$out")" -eq 3 ] && [ "$(grep '^rank ' <<<"$out" | cut -d' ' -f2 | tr -d '\n')" = 012 ] &&
    grep -q '^rank 2 .*Process-2: 15 doubled to 30$' <<<"$out" && grep -q 'printed in rank order' <<<"$out"
ok $? "processes text: one line per rank, in rank order, '15 doubled to 30'"

# MPMD: each application runs its own task, found through MPI_APPNUM
out=$(timeout 120 "$MPILAUNCH" --oversubscribe -np 1 "$WS" processes --task square --input 7 --json : \
      -np 2 "$WS" processes --task cube --input 7 --json 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && jtrue 'my @r = @{$d->{ranks}}; $d->{applications} == 2 && @r == 3
    && $r[0]{appnum} == 0 && $r[0]{task} eq "square" && $r[0]{output} == 49
    && $r[1]{appnum} == 1 && $r[1]{task} eq "cube" && $r[1]{output} == 343
    && $r[2]{appnum} == 1 && $r[2]{task} eq "cube" && $r[2]{output} == 343' <<<"$out"
ok $? "MPMD square : cube: rank 0 app 0 squares 7 to 49, ranks 1-2 app 1 cube it to 343 (exit $rc)"
out=$(timeout 120 "$MPILAUNCH" --oversubscribe -np 2 "$WS" processes --task cube --threads 2 : \
      -np 1 "$WS" processes --threads 2)
grep -q '^rank 1 thread 1  app 0 (cube)  .*Process-1.1: 20 cubed to 8000$' <<<"$out" &&
    grep -q '^rank 2 thread 0  app 1 (double) .*Process-2.0: 25 doubled to 50$' <<<"$out" &&
    grep -q 'in 2 MPMD applications' <<<"$out"
ok $? "MPMD with threads: app 0 cubes, app 1 doubles, text names each application"

# --- join-order: invariants only (no timing thresholds) --------------------------------------
for layout in "3 1" "2 2" "1 3"; do
    set -- $layout
    out=$(mpi "$1" "$WS" join-order --threads "$2" --scale 0.05 --json 2>"$tmp/err")
    rc=$?
    [ $rc -eq 0 ] && jtrue 'my @w = @{$d->{workers}}; my $n = '"$1*$2"';
        my %seen = map { $_ => 1 } @{$d->{finish_order}};
        my $ok = @w == $n && keys(%seen) == $n && $d->{common_clock};
        for my $i (0..$#w) { $ok &&= abs($w[$i]{sleep} - 0.05 * ($n - $i)) < 1e-12
            && $w[$i]{finish} - $w[$i]{start} >= $w[$i]{sleep} }
        $ok && $d->{slowest_sleep} == $w[0]{sleep} && $d->{join_min} >= $d->{slowest_sleep}
            && $d->{join_max} >= $d->{join_min}' <<<"$out"
    ok $? "join-order ${1}x$2: every worker reports, each slept its (W-w) x 0.05 s, every rank left the join after the slowest sleep"
done
out=$(mpi 3 "$WS" join-order --scale 0.02)
[ "$(grep -cE '^ +[0-9]+ +[0-9]+ +0 ' <<<"$out")" -eq 3 ] && grep -q '^finishing order: workers' <<<"$out" &&
    grep -q 'the join waits for the slowest' <<<"$out"
ok $? "join-order text: a line per worker, finishing order, the join"

# --- queue: the results in index order are the same for every seed and layout ----------------
want='4,16,36,9,25,64,81,49'
for np in 1 2 4; do
    for seed in 1 2 42; do
        out=$(mpi "$np" "$WS" queue --seed "$seed" --scale 0.01 --json 2>"$tmp/err")
        rc=$?
        [ $rc -eq 0 ] && jtrue 'my %s = map { $_ => 1 } @{$d->{arrival}};
            join(",", @{$d->{results}}) eq "'"$want"'" && keys(%s) == 8 && @{$d->{arrival}} == 8
            && $d->{check} eq "pass" && $d->{workers} == '"$((np > 1 ? np - 1 : 1))"'
            && !grep { $_ < '"$((np > 1 ? 1 : 0))"' || $_ >= '"$np"' } @{$d->{sources}}' <<<"$out"
        ok $? "queue np=$np seed=$seed: arrival a permutation from the workers, results [$want]"
    done
done
out=$(mpi 3 "$WS" queue --tasks 20 --seed 5 --scale 0 --json)
jtrue 'my @r = @{$d->{results}}; my @v = (2, 4, 6, 3, 5, 8, 9, 7); my $ok = @r == 20;
    for my $i (0..19) { my $x = $v[$i % 8] + 10 * int($i / 8); $ok &&= $r[$i] == $x * $x } $ok' <<<"$out"
ok $? "queue --tasks 20: results are the squares of the seed's data, +10 per round"
out=$(mpi 4 "$WS" queue --scale 0.01)
grep -q '^results in index order: \[4, 16, 36, 9, 25, 64, 81, 49\]$' <<<"$out" && grep -q '^arrival order: ' <<<"$out" &&
    grep -q '^check: pass' <<<"$out"
ok $? "queue text: arrival order, then the results in index order"

# --- counter: lock, atomic and rma exact at every layout; unsafe never above ----------------
for layout in "1 1" "1 3" "2 1" "2 2" "3 2"; do
    set -- $layout
    out=$(mpi "$1" --bind none "$WS" counter --increments 20000 --threads "$2" --json 2>"$tmp/err")
    rc=$?
    E=$((20000 * $1 * $2))
    [ $rc -eq 0 ] && jtrue 'my @v = @{$d->{variants}}; my $E = '"$E"';
        my $ok = $d->{expected} == $E && join(",", map { $_->{name} } @v) eq "unsafe,lock,atomic,rma";
        for (@v) { $ok &&= $_->{lost} == $E - $_->{final} && $_->{ns_per_increment} > 0
            && ($_->{name} eq "unsafe" ? $_->{final} <= $E : $_->{final} == $E) } $ok' <<<"$out"
    ok $? "counter ${1}x$2: expected $E; lock, atomic, rma exact; unsafe <= expected ($(jtrue 'print $d->{variants}[0]{final}; 1' <<<"$out"))"
done
out=$(OMP_NUM_THREADS=3 "$WS" counter --increments 1000 --variants rma,lock --json)
jtrue '$d->{expected} == 3000 && join(",", map { $_->{name} } @{$d->{variants}}) eq "lock,rma"' <<<"$out"
ok $? "counter: OMP_NUM_THREADS=3 gives 3 workers; --variants picks (in fixed order)"
out=$("$WS" counter --increments 1000 --json)
jtrue '$d->{threads} == 2 && $d->{expected} == 2000' <<<"$out"
ok $? "counter: 2 threads by default (a race needs two)"
out=$("$WS" counter --increments 1e4)
[ "$(grep -cE '^(unsafe|lock|atomic|rma) +20000 +[0-9]+ +[0-9]+ ' <<<"$out")" -eq 4 ] && grep -q '^check: pass' <<<"$out"
ok $? "counter text: a row per variant with expected, final, lost, ns"

# --- counter's unsafe shows its point: lost updates in every run where two threads share a counter
seen=0 runs=""
for i in 1 2 3 4 5; do
    out=$("$WS" counter --threads 2 --variants unsafe --json)
    jtrue 'my $v = $d->{variants}[0]; $v->{lost} > 0 && $v->{lost} == 2000000 - $v->{final} &&
           $v->{tries} >= 1 && !exists $v->{note}' <<<"$out" && seen=$((seen + 1))
    runs="$runs $(jtrue 'my $v = $d->{variants}[0]; print "$v->{lost}/$v->{tries}"; 1' <<<"$out")"
done
[ $seen -eq 5 ]
ok $? "counter unsafe 1 rank x 2 threads: lost > 0 in $seen of 5 runs (lost/tries:$runs)"
out=$("$WS" counter --threads 2 --variants unsafe)
tries_line=$(grep -c '^unsafe: lost updates in run [0-9]*; the [0-9]* before it lost none' <<<"$out")
grep -qE '^unsafe +2000000 +[0-9]+ +[1-9][0-9]* ' <<<"$out" && ! grep -q '^unsafe: no update' <<<"$out" &&
    [ "$tries_line" -le 1 ]
ok $? "counter unsafe text: lost > 0 in the row; a run after the first is said ($tries_line line)"
why="unsafe: no update can be lost: each rank's counter has one thread (ranks count apart), and a race needs two (--threads 2 or more)"
out=$("$WS" counter --threads 1 --increments 1e4)
[ "$(grep -c '^unsafe: ' <<<"$out")" -eq 1 ] && grep -qxF "$why" <<<"$out" && grep -q '^check: pass' <<<"$out"
ok $? "counter at 1 worker: the line says why unsafe lost nothing"
out=$(mpi 2 "$WS" counter --threads 1 --increments 1e4 --variants unsafe --json)
WHY=${why#unsafe: } jtrue 'my $v = $d->{variants}[0]; $v->{lost} == 0 && $v->{tries} == 1 && $v->{note} eq $ENV{WHY}' <<<"$out"
ok $? "counter at 2 ranks x 1 thread --json: lost 0 in one try, \"note\" says why"
if command -v taskset >/dev/null; then
    out=$(taskset -c 0 "$WS" counter --threads 2 --increments 1000 --variants unsafe --json)
    jtrue 'my $v = $d->{variants}[0]; $v->{lost} > 0 || ($v->{note} =~ /share one CPU/ && $v->{race_seconds} >= 5)' <<<"$out"
    ok $? "counter unsafe on one CPU: loses updates, or says the threads share one CPU after 5 s ($(jfield lost <<<"$out") lost)"
fi

# --- shared: the array written in slices, reversed by one rank, pi read by all ---------------
for np in 1 2 3 4; do
    out=$(mpi "$np" "$WS" shared)
    grep -qF 'reversed it in place:        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]' <<<"$out" &&
        grep -qF "slice:  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" <<<"$out" &&
        grep -q "^value: rank $((np - 1)) wrote 3.1415926535897931; $np of $np rank" <<<"$out"
    ok $? "shared np=$np: prints the reversed array, pi read back by every rank"
done
out=$(mpi 4 "$WS" shared --length 3 --json)
jtrue 'join(",", @{$d->{written}}) eq "0,1,2" && join(",", @{$d->{reversed}}) eq "2,1,0"
    && @{$d->{values_read}} == 4 && !grep { $_ != 3.141592653589793 } @{$d->{values_read}}' <<<"$out"
ok $? "shared --length 3 on 4 ranks (an empty slice): written 0,1,2, reversed 2,1,0"
out=$(mpi 2 "$WS" shared --length 100000 --json)
jtrue 'my @r = @{$d->{reversed}}; my $ok = @r == 100000; for (0..$#r) { $ok &&= $r[$_] == 99999 - $_ } $ok' <<<"$out"
ok $? "shared --length 1e5: reversed exactly"

# --- pingpong ------------------------------------------------------------------------------
out=$(mpi 2 "$WS" pingpong)
grep -qE '^pair 0 \(ranks 0-1\): 100 round trips of 8 bytes in [0-9.]+ s: [0-9.]+ us per round trip$' <<<"$out" &&
    grep -q '^size_bytes  latency_us  bandwidth_MBps$' <<<"$out"
ok $? "pingpong: 100 round trips by default, total and per-round-trip time, the table"
out=$(mpi 2 "$WS" pingpong --json)
jtrue '$d->{pairs} == 1 && $d->{round_trips} == 100 && @{$d->{rows}} == 1 && $d->{rows}[0]{size_bytes} == 8' <<<"$out"
ok $? "pingpong --json: pairs 1, round_trips 100, one row of 8 bytes"
out=$(mpi 2 "$WS" pingpong --sizes 1:1024 --iterations 20 --warmup 2 --json)
jtrue 'my @r = @{$d->{rows}}; my $ok = @r == 11 && $d->{check} eq "pass" && $d->{round_trips} == 20;
    for my $i (0..$#r) { $ok &&= $r[$i]{size_bytes} == 2 ** $i && $r[$i]{latency_us} > 0
        && $r[$i]{bandwidth_MBps} > 0 && $r[$i]{pair} == 0
        && abs($r[$i]{bandwidth_MBps} * $r[$i]{latency_us} - $r[$i]{size_bytes}) < 1e-6 * $r[$i]{size_bytes}
        && join(",", sort keys %{$r[$i]}) eq "bandwidth_MBps,latency_us,pair,seconds,size_bytes" } $ok' <<<"$out"
ok $? "pingpong --sizes 1:1024: 11 rows doubling from 1, positive latency, bandwidth = size / latency, keys"
out=$(mpi 2 "$WS" pingpong --sizes --iterations 2 --warmup 1)
sizes=$(awk '/^ *[0-9]+ +[0-9.]+ +[0-9.]+$/ { print $1 }' <<<"$out" | tr '\n' ' ')
[ "$(wc -w <<<"$sizes")" -eq 23 ] && [ "${sizes%% *}" = 1 ] && [ "$(awk '{ print $NF }' <<<"$sizes")" = 4194304 ] &&
    awk '/^ *[0-9]+ +[0-9.]+ +[0-9.]+$/ { if (!($2 > 0 && $3 > 0) || (n && $1 != 2 * p)) bad = 1; p = $1; n++ } END { exit bad }' <<<"$out"
ok $? "pingpong --sizes: 23 rows, 1 B to 4 MiB doubling, positive latency and bandwidth"
out=$(mpi 4 "$WS" pingpong --sizes 64:256 --iterations 10 --json)
jtrue 'my @r = @{$d->{rows}}; $d->{pairs} == 2 && @r == 6
    && join(",", map { "$_->{pair}:$_->{size_bytes}" } @r) eq "0:64,0:128,0:256,1:64,1:128,1:256"' <<<"$out"
ok $? "pingpong on 4 ranks: pairs 0-1 and 2-3 both report"
out=$(mpi 4 "$WS" pingpong)
[ "$(grep -c '^# pair [01]: ranks [0-3]-[0-3]$' <<<"$out")" -eq 2 ]
ok $? "pingpong text on 4 ranks: a table per pair"

# --- every lesson: --help, one JSON object --------------------------------------------------
for l in processes join-order queue counter shared pingpong; do
    out=$(mpi 2 "$WS" "$l" --help)
    [ $? -eq 0 ] && [ "$(grep -c "^usage: workshop $l" <<<"$out")" -eq 1 ] && grep -q '^examples:' <<<"$out"
    ok $? "workshop $l --help under mpirun -np 2: usage once, with examples, exit 0"
done
"$WS" --help >"$tmp/out" && grep -q '^lessons:' "$tmp/out" && [ "$(grep -cE '^  (processes|join-order|queue|counter|shared|pingpong) ' "$tmp/out")" -eq 6 ]
ok $? "workshop --help lists the six lessons"
for cmd in "processes" "join-order --scale 0" "queue --scale 0" "counter --increments 100" "shared"; do
    out=$(mpi 2 "$WS" $cmd --json)
    [ "$(wc -l <<<"$out")" -eq 1 ] && jtrue '$d->{lesson} eq "'"${cmd%% *}"'" && ref $d->{build} eq "HASH"' <<<"$out"
    ok $? "workshop $cmd --json: one line, one object with lesson and build"
done

# a report that cannot be written is a failure, said with its reason
for cmd in "counter --increments 10" "shared --length 100000 --json" "--help"; do
    "$WS" $cmd >/dev/full 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'cannot write standard output: No space left on device' "$tmp/err"
    ok $? "workshop $cmd >/dev/full: exit $rc, one line with the reason"
done

done_testing
