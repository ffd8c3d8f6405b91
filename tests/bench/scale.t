#!/usr/bin/env bash
# scale.t - bench/scale: metrics on hand-computed records, real sweeps here, bad input, pi's cpus.
. "$(dirname "$0")/../lib.sh"
if ! command -v gnuplot >/dev/null; then
    echo "1..0 # SKIP gnuplot not installed (Debian: gnuplot-nox; make check installs it)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SCALE=$TOP/bench/scale
export PI_BIN=$BIN              # the programs under test (a second build: BIN=...)
cores=$(env -u OMP_NUM_THREADS nproc)

# rec METHOD N RANKS THREADS SECONDS CPUS [CHECK]: a pi --json record with these values
rec() {
    printf '{"method": "%s", "n": %s, "ranks": %s, "threads": %s, "workers": %s, "hosts": 1, "cpus": %s,
 "host": "h1", "pi": 3.14, "seconds": %s, "seconds_median": %s, "repeat": 1,
 "steps_per_second": %s, "check": "%s", "build": {"git": "abc"}}\n' "$1" "$2" "$3" "$4" $(($3 * $4)) \
        "$6" "$5" "$5" "$(perl -e "print $2 / $5")" "${7:-pass}"
}
# row CSV METHOD N LAYOUT: the results.csv row of that point
row() { grep "^$2,[a-z]*,$3,${4%x*},${4#*x}," "$1"; }
# field NAME ROW: one column of a results.csv row, by header name
field() { perl -e '@h = split /,/, shift; @v = split /,/, shift, -1; for (0..$#h) { print $v[$_] if $h[$_] eq $ARGV[0] }' \
    "$scale_header" "$2" "$1"; }
# near A B: |A - B| <= 1e-5 |B|
near() { perl -e 'exit(abs($ARGV[0] - $ARGV[1]) <= 1e-5 * abs($ARGV[1]) ? 0 : 1)' "$1" "$2"; }
# jget FILE PERL-EXPR: a value from a JSON file ($d is the decoded object)
jget() { perl -MJSON::PP -e 'local $/; open(F, "<", $ARGV[0]) or die; my $d = decode_json(<F>); print eval $ARGV[1]' "$1" "$2"; }

# --- metrics on records whose answers are computed by hand ---------------------------------
mkdir -p "$tmp/r1" "$tmp/r2" "$tmp/r3"
rec midpoint 1000 1 1 1.0 2 >"$tmp/r1/a.json"
rec midpoint 1000 1 1 1.2 2 >"$tmp/r1/b.json"
rec midpoint 1000 1 1 0.9 2 >"$tmp/r1/c.json"
rec midpoint 1000 2 1 0.6 2 >"$tmp/r1/d.json"
rec midpoint 1000 1 2 0.55 2 >"$tmp/r1/e.json"
rec midpoint 1000 4 1 0.4 2 >"$tmp/r1/f.json"            # 4 workers, 2 CPUs: oversubscribed
rec midpoint 1000 2 2 0.3 4 fail >"$tmp/r1/g.json"       # failed its self-check
rec midpoint-python-pool 100 2 1 1.0 2 >"$tmp/r1/h.json"
echo '{"not": "read"}' >"$tmp/r1/results.json"           # an earlier analysis is skipped
out=$("$SCALE" --merge "$tmp/r1" --out "$tmp/o1")
st=$?
csv=$tmp/o1/results.csv
[ $st -eq 1 ] && [ "$(head -n 1 "$csv")" = "$scale_header" ] && [ "$(wc -l <"$csv")" -eq 7 ]
ok $? "merge of 9 records: 6 points, exit 1 because one failed its check ($st)"
r=$(row "$csv" midpoint 1000 1x1)
[ "$(field seconds_min "$r")" = 0.9 ] && [ "$(field seconds_median "$r")" = 1 ] && [ "$(field seconds_max "$r")" = 1.2 ]
ok $? "three runs of a point: min 0.9, median 1, max 1.2 ($r)"
r=$(row "$csv" midpoint 1000 2x1)
near "$(field speedup "$r")" 1.666667 && near "$(field efficiency "$r")" 0.8333333 &&
    near "$(field karp_flatt "$r")" 0.2 && [ "$(field oversubscribed "$r")" = 0 ]
ok $? "2x1 at 0.6 s against 1 s: speedup 5/3, efficiency 5/6, Karp-Flatt 0.2 ($r)"
r=$(row "$csv" midpoint 1000 1x2)
near "$(field speedup "$r")" 1.818182 && near "$(field karp_flatt "$r")" 0.1
ok $? "1x2 at 0.55 s: speedup 20/11, Karp-Flatt 0.1"
r=$(row "$csv" midpoint 1000 4x1)
[ "$(field oversubscribed "$r")" = 1 ] && near "$(field speedup "$r")" 2.5 && near "$(field karp_flatt "$r")" 0.2
ok $? "4x1 on 2 CPUs: marked oversubscribed, its metrics kept (speedup 2.5)"
r=$(row "$csv" midpoint 1000 2x2)
[ "$(field check "$r")" = fail ] && [ -z "$(field speedup "$r")" ] && [ -z "$(field efficiency "$r")" ]
ok $? "a point that failed its check: check fail, no speedup or efficiency (not plotted)"
r=$(row "$csv" midpoint-python-pool 100 2x1)
near "$(field speedup "$r")" 0.1 && near "$(field efficiency "$r")" 0.05
ok $? "Python Pool of 2, 100 steps/s against C's 1000: speedup 0.1, efficiency 0.05 (normalised by rate)"
grep -q '^midpoint n=1000: serial fraction (Amdahl, least squares over 2 points) f = 0.15 +- 0.05 ' <<<"$out" &&
    [ "$(jget "$tmp/o1/results.json" '$d->{fits}[0]{points}')" = 2 ]
ok $? "Amdahl fit over 2x1 and 1x2 only (not the oversubscribed or failed points): f = 0.15 +- 0.05"
grep -q ' 4x1 .* pass oversubscribed$' <<<"$out" && grep -q ' 2x2 .* FAIL$' <<<"$out"
ok $? "the table marks the oversubscribed point and the failed one"
png_ok "$tmp/o1/speedup.png" && png_ok "$tmp/o1/efficiency.png"
ok $? "speedup.png and efficiency.png drawn"

f=0.05                                                   # exact Amdahl times: t(p) = f + (1 - f)/p
for p in 1 2 4 8; do rec montecarlo 5000 "$p" 1 "$(perl -e "print $f + (1 - $f) / $p")" 8 >"$tmp/r2/p$p.json"; done
"$SCALE" --merge "$tmp/r2" --out "$tmp/o2" >/dev/null
[ $? -eq 0 ] && perl -e 'exit(abs($ARGV[0] - 0.05) < 1e-12 && $ARGV[1] < 1e-12 ? 0 : 1)' \
    "$(jget "$tmp/o2/results.json" '$d->{fits}[0]{serial_fraction}')" "$(jget "$tmp/o2/results.json" '$d->{fits}[0]{std_error}')"
ok $? "Amdahl fit recovers f = 0.05 from exact times at p = 1, 2, 4, 8 (standard error 0)"

rec midpoint 1000 1 1 1.0 2 >"$tmp/r3/a.json"
rec midpoint 2000 2 1 1.25 2 >"$tmp/r3/b.json"
out=$("$SCALE" --merge --weak "$tmp/r3" --out "$tmp/o3")
r=$(row "$tmp/o3/results.csv" midpoint 2000 2x1)
[ "$(field mode "$r")" = weak ] && near "$(field efficiency "$r")" 0.8 && near "$(field speedup "$r")" 1.6 &&
    [ -z "$(field karp_flatt "$r")" ] && grep -q '^midpoint n=1000/worker: scaled efficiency at 2 workers: 2x1 80.0%$' <<<"$out"
ok $? "weak: 2x1 at 2N in 1.25 s against 1x1 at N in 1 s: efficiency 0.8, scaled speedup 1.6"

# --- real sweeps here -------------------------------------------------------------------------
out=$("$SCALE" -n 1e7 --layouts "1x1 2x1 1x2" --out "$tmp/s1" 2>"$tmp/err")
st=$?
csv=$tmp/s1/results.csv
[ $st -eq 0 ] && [ "$(head -n 1 "$csv")" = "$scale_header" ] && [ "$(wc -l <"$csv")" -eq 4 ] &&
    [ "$(grep -c ',pass,' "$csv")" -eq 3 ] && [ "$(cut -d, -f16 "$csv" | sort -u | wc -l)" -eq 2 ]
ok $? "sweep -n 1e7 over 1x1 2x1 1x2: results.csv with the header, 3 points, all pass, one pi ($st)"
png_ok "$tmp/s1/speedup.png" && png_ok "$tmp/s1/efficiency.png"
ok $? "sweep: valid PNG plots"
[ "$(jget "$tmp/s1/results.json" 'scalar @{$d->{runs}}')" = 9 ] && [ "$(jget "$tmp/s1/results.json" 'scalar @{$d->{rows}}')" = 3 ] &&
    [ -n "$(jget "$tmp/s1/results.json" '$d->{machine}{cpu_model} && $d->{builds}[0]{mpi}')" ]
ok $? "results.json: 3 rows, the 9 runs' records, machine and build provenance"
grep -q '^midpoint n=10000000: serial fraction (Amdahl, least squares over 2 points) f = ' <<<"$out" && [ ! -s "$tmp/err" ]
ok $? "the table ends with the fitted serial fraction; nothing on stderr"
mkdir -p "$tmp/runs"
perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->allow_bignum; my $d = $j->decode(<STDIN>); my $i = 0;
    for (@{$d->{runs}}) { open(F, ">", sprintf("%s/run%02d.json", $ARGV[0], $i++)) or die; print F $j->encode($_->{record}) }' \
    "$tmp/runs" <"$tmp/s1/results.json"
"$SCALE" --merge "$tmp/runs" --out "$tmp/s1m" >/dev/null && cmp -s "$csv" "$tmp/s1m/results.csv"
ok $? "--merge of the sweep's own records gives the same results.csv (one analysis for both)"
"$SCALE" --merge "$tmp/r3" --out "$tmp/s1" -n 5 >/dev/null 2>&1
[ $? -eq 2 ] && cmp -s "$csv" "$tmp/s1m/results.csv" && [ -z "$(ls -A "$tmp/s1" | grep -v '^results.csv$\|^results.json$\|^speedup.png$\|^efficiency.png$')" ]
ok $? "a refused run leaves the earlier outputs in DIR as they were and no temporary files"

out=$("$SCALE" --weak -n 1e6 --layouts "1x1 2x1" --repeat 1 --out "$tmp/s2")
[ $? -eq 0 ] && row "$tmp/s2/results.csv" midpoint 2000000 2x1 | grep -q '^midpoint,weak,2000000,2,1,2,1,0,.*,pass,' &&
    grep -q '^midpoint n=1000000/worker: scaled efficiency at 2 workers: 2x1 ' <<<"$out"
ok $? "weak sweep: 2x1 runs 2 x N, scaled efficiency printed"

over=$((cores + 1))
"$SCALE" -n 1e6 --layouts "1x1 ${over}x1" --out "$tmp/s3" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "layout ${over}x1 has $over workers but there are $cores cores: add --oversubscribe" "$tmp/err" && [ ! -e "$tmp/s3" ]
ok $? "layout ${over}x1 over $cores cores without --oversubscribe: one line, exit 2, no DIR"
out=$("$SCALE" -n 1e6 --layouts "1x1 ${over}x1" --oversubscribe --repeat 1 --out "$tmp/s3")
[ $? -eq 0 ] && [ "$(field oversubscribed "$(row "$tmp/s3/results.csv" midpoint 1000000 ${over}x1)")" = 1 ] &&
    grep -q "${over}x1 .* pass oversubscribed$" <<<"$out" && grep -q 'no serial fraction' <<<"$out" &&
    [ "$(jget "$tmp/s3/results.json" '$d->{rows}[1]{oversubscribed} ? "yes" : "no"')" = yes ]
ok $? "--oversubscribe: ${over}x1 measured, marked in csv, json and table, left out of the fit"

PI_CHECK_SCALE=0 "$SCALE" -n 1e6 --layouts "1x1 2x1" --repeat 1 --out "$tmp/s4" >"$tmp/out" 2>/dev/null
[ $? -eq 1 ] && [ "$(grep -c ',fail,' "$tmp/s4/results.csv")" -eq 2 ] && [ "$(grep -c ' FAIL$' "$tmp/out")" -eq 2 ] &&
    png_ok "$tmp/s4/speedup.png"
ok $? "runs failing their self-check: fail in every output, exit 1, nothing plotted as good"

out=$("$SCALE" --method bbp-hex,map -n 1e5 --layouts "1x1 2x1" --repeat 1 --out "$tmp/s5")
[ $? -eq 0 ] && [ "$(grep -c '^bbp-hex,strong,100000,.*,pass,' "$tmp/s5/results.csv")" -eq 2 ] &&
    [ "$(grep -c '^map,strong,100000,.*,pass,' "$tmp/s5/results.csv")" -eq 2 ]
ok $? "bbp-hex and map sweeps: every point passes"
mkdir -p "$tmp/bin"
ln -s "$BIN/pi" "$tmp/bin/pi"
cat >"$tmp/bin/map" <<EOS
#!/bin/sh
# map, then one wrong byte in its output (-o FILE): the check must see it
"$BIN/map" "\$@" || exit \$?
[ "\${OMPI_COMM_WORLD_RANK:-0}" = 0 ] || exit 0
while [ \$# -gt 1 ]; do [ "\$1" = -o ] && printf 'X' | dd of="\$2" bs=1 seek=3 conv=notrunc 2>/dev/null; shift; done
EOS
chmod +x "$tmp/bin/map"
PI_BIN=$tmp/bin "$SCALE" --method map -n 1e4 --layouts 1x1 --repeat 1 --out "$tmp/s6" >/dev/null 2>&1
[ $? -eq 1 ] && grep -q '^map,strong,10000,1,1,.*,fail,' "$tmp/s6/results.csv"
ok $? "map output that differs from the reference: check fail"

# kill_ours: KILL what a failed stop left running of this test's own pi (by pid, its path is ours)
kill_ours() { local p; p=$(pgrep -f "$tmp/bin/pi midpoint"); [ -z "$p" ] || kill -KILL $p; }
# a stop signal during a run: mpirun and pi stopped before bench/scale ends (no waiting for
# them here), the signal's own status, and the DIR this study created is gone
for sig in TERM:143 INT:130; do
    PI_BIN=$tmp/bin "$SCALE" -n 1e13 --layouts 1x1 --repeat 1 --out "$tmp/s9" >/dev/null 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 100); do [ "$(pgrep -f "$tmp/bin/pi midpoint" | wc -l)" -ge 2 ] && break; sleep 0.2; done
    sleep 0.5
    kill -"${sig%:*}" "$pid"
    wait "$pid"
    st=$?
    left=$(pgrep -af "$tmp/bin/pi midpoint")
    [ -z "$left" ] && [ ! -e "$tmp/s9" ] && [ "$st" -eq "${sig#*:}" ] && [ ! -s "$tmp/err" ]
    ok $? "SIG${sig%:*} during a run: mpirun and pi ended with it, exit ${sig#*:} ($st), DIR and temporary files gone"
    [ -z "$left" ] || { diag "left running: $left"; kill_ours; }
done
# SIGINT at any moment of the start (tools, mpirun, MPI start-up): never lost, never a leftover
good=0 res=""
for d in 0.05 0.15 0.3 0.45 0.6 0.8; do
    PI_BIN=$tmp/bin "$SCALE" -n 1e13 --layouts 1x1 --repeat 1 --out "$tmp/s9" >/dev/null 2>"$tmp/err" &
    pid=$!
    sleep "$d"
    kill -INT "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"          # lost: no hang here, a failure
    wait "$pid"
    st=$?
    res="$res $d:$st"
    [ $st -eq 130 ] && [ -z "$(pgrep -f "$tmp/bin/pi midpoint")" ] && [ ! -e "$tmp/s9" ] && good=$((good + 1))
    kill_ours
done
[ $good -eq 6 ] && [ ! -s "$tmp/err" ]
ok $? "SIGINT 0.05 to 0.8 s after the start: exit 130 every time, nothing left running, no DIR (delay:status$res)"

if command -v "${PYTHON:-python3}" >/dev/null; then
    out=$("$SCALE" -n 1e7 --layouts "1x1 2x1" --python --repeat 1 --out "$tmp/s7")
    [ $? -eq 0 ] && grep -q '^midpoint-python-loop,strong,4000000,1,1,.*,pass,' "$tmp/s7/results.csv" &&
        grep -q '^midpoint-python-pool,strong,4000000,2,1,.*,pass,' "$tmp/s7/results.csv" &&
        [ -n "$(field speedup "$(row "$tmp/s7/results.csv" midpoint-python-pool 4000000 2x1)")" ]
    ok $? "--python: the workshop's loop and Pool rows, checked, normalised by rate"
else
    echo "ok $((tap_n += 1)) # SKIP python3 not installed: no --python sweep"
fi
PYTHON=no-such-python3 "$SCALE" --python --out "$tmp/s8" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'no-such-python3 not found' "$tmp/err" && [ ! -e "$tmp/s8" ]
ok $? "--python without the interpreter: one line, exit 2"

# --- bad input: one line naming the value, exit 2, nothing in DIR ------------------------------
mkdir -p "$tmp/empty" "$tmp/bad1" "$tmp/bad2" "$tmp/bad3"
echo '{"method": "midpoint", "n": ' >"$tmp/bad1/x.json"
echo '{"name": "something else"}' >"$tmp/bad2/y.json"
rec midpoint 1000 2 1 0.5 2 | sed "s/\"cpus\": 2,//" >"$tmp/bad3/z.json"
bad() { # bad EXPECTED-TEXT ARGS...: exit 2, one stderr line containing the text, no outputs
    local want=$1
    shift
    rm -rf "$tmp/bo"
    "$SCALE" "$@" --out "$tmp/bo" >"$tmp/out" 2>"$tmp/err"
    local st=$?
    [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        [ -z "$(ls -A "$tmp/bo" 2>/dev/null)" ]
    ok $? "bad input $* -> exit $st: $(cat "$tmp/err")"
}
bad "unknown --method 'pie'" --method pie
bad "invalid layout '2y3'" --layouts "1x1 2y3"
bad "invalid layout '0x1'" --layouts 0x1
bad "invalid --repeat '0'" --repeat 0
bad "invalid -n '1.5'" -n 1.5
bad "choose one of --strong and --weak" --strong --weak
bad "invalid --launcher 'qsub'" --launcher qsub
bad "unknown option: frobnicate" --frobnicate
bad "no JSON records (*.json) in '$tmp/empty'" --merge "$tmp/empty"
bad "$tmp/bad1/x.json: not one JSON object" --merge "$tmp/bad1"
bad "$tmp/bad2/y.json: not a pi --json record: missing or empty 'method'" --merge "$tmp/bad2"
bad "$tmp/bad3/z.json: not a pi --json record: 'cpus' is not a positive integer" --merge "$tmp/r1" "$tmp/bad3"
bad "--layouts is for a sweep here, not for --merge" --merge --layouts 1x1 "$tmp/r1"
bad "invalid --steps '100000000000000000': too large" -n 1e17 --layouts 1x1
bad "--python: the workshop has Python for midpoint and montecarlo, not map" --method midpoint,map --python
bad "invalid --method ',,': an empty method name" --method ,,
bad "invalid --method ',': an empty method name" --method ,
bad "invalid --method '': an empty method name" --method ''
bad "invalid --method 'midpoint,': an empty method name" --method midpoint,
bad "--allow-mixed is for --merge" --allow-mixed -n 1e6
"$SCALE" --merge "$tmp/no-such-dir" --out "$tmp/fresh/scaling" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "'$tmp/no-such-dir' is not a directory" "$tmp/err" &&
    [ ! -e "$tmp/fresh" ]
ok $? "a failed --merge leaves no directory behind (not DIR, not its parent it would have made)"
"$SCALE" --merge "$tmp/r1" --out "$tmp/r1/a.json" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(cat "$tmp/err")" = "scale: --out '$tmp/r1/a.json' exists and is not a directory" ]
ok $? "--out naming a file: one message, once ($(cat "$tmp/err"))"
"$SCALE" --merge "$tmp/r1" --out "$tmp/r1/a.json/sub" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(cat "$tmp/err")" = "scale: cannot create --out '$tmp/r1/a.json/sub': Not a directory" ]
ok $? "--out below a file: the system's reason, once ($(cat "$tmp/err"))"

# --- --merge counts each record once and refuses mixed builds ---------------------------------
mkdir -p "$tmp/dup"
cp "$tmp/r1"/*.json "$tmp/dup/"
cp "$tmp/r1/a.json" "$tmp/dup/a-copy.json"
"$SCALE" --merge "$tmp/dup" --out "$tmp/od" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && cmp -s "$tmp/o1/results.csv" "$tmp/od/results.csv" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -qF "scale: note: $tmp/dup/a.json is the same record as $tmp/dup/a-copy.json: counted once" "$tmp/err" &&
    [ "$(jget "$tmp/od/results.json" 'scalar @{$d->{runs}}')" = 8 ]
ok $? "--merge with a copied record: counted once (the same results.csv as without it), one note"
"$SCALE" --merge "$tmp/r2" "$tmp/r2" --out "$tmp/od2" >/dev/null 2>"$tmp/err"
[ $? -eq 0 ] && cmp -s "$tmp/o2/results.csv" "$tmp/od2/results.csv" &&
    grep -qF "$tmp/r2/p1.json read twice (a directory named twice?): counted once (4 duplicate records in all)" "$tmp/err"
ok $? "--merge naming a directory twice: each record once, one note"
mkdir -p "$tmp/mixed"
rec midpoint 1000 1 1 1.0 2 >"$tmp/mixed/a.json"
rec midpoint 1000 2 1 0.6 2 | sed 's/"git": "abc"/"git": "def"/' >"$tmp/mixed/b.json"
"$SCALE" --merge "$tmp/mixed" --out "$tmp/om" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -e "$tmp/om" ] && [ ! -s "$tmp/out" ] &&
    grep -qF "records come from 2 different builds (git 'abc' in $tmp/mixed/a.json, 'def' in $tmp/mixed/b.json)" "$tmp/err" &&
    grep -q -- '--allow-mixed accepts them' "$tmp/err"
ok $? "--merge of two git commits: refused, exit 2, one line naming both, no DIR"
rec midpoint 1000 4 1 0.4 2 | sed 's/"build": {"git": "abc"}/"build": {"git": "abc", "cflags": "-O0"}/' >"$tmp/mixed/b.json"
"$SCALE" --merge "$tmp/mixed" --out "$tmp/om" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "2 different builds (build cflags none in $tmp/mixed/a.json, '-O0' in $tmp/mixed/b.json)" "$tmp/err"
ok $? "--merge of one commit built two ways: refused, naming the difference (cflags)"
out=$("$SCALE" --merge --allow-mixed "$tmp/mixed" --out "$tmp/om" 2>"$tmp/err")
[ $? -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '^MIXED BUILDS (--allow-mixed): the records come from 2 different builds' <<<"$out" &&
    [ "$(jget "$tmp/om/results.json" '$d->{study}{mixed_builds} =~ /^2 different builds/ ? "marked" : "not"')" = marked ] &&
    png_ok "$tmp/om/speedup.png"
ok $? "--allow-mixed: accepted, marked in the table and results.json (and the plots' titles)"

# --- the system's reason, once ------------------------------------------------------------------
mkdir -p "$tmp/unread"
rec midpoint 1000 1 1 1.0 2 >"$tmp/unread/a.json"
chmod 000 "$tmp/unread/a.json"
asuser=()                      # root reads anything: without CAP_DAC_OVERRIDE it cannot
[ "$(id -u)" = 0 ] && asuser=(setpriv --bounding-set=-dac_override,-dac_read_search)
if [ ${#asuser[@]} -gt 0 ] && ! command -v setpriv >/dev/null; then
    echo "ok $((tap_n += 1)) # SKIP root without setpriv: cannot make a file unreadable"
else
    "${asuser[@]}" "$SCALE" --merge "$tmp/unread" --out "$tmp/ou" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ "$(cat "$tmp/err")" = "scale: --merge: cannot read $tmp/unread/a.json: Permission denied" ] && [ ! -e "$tmp/ou" ]
    ok $? "an unreadable record: 'Permission denied', not malformed JSON ($(cat "$tmp/err"))"
fi
mkdir -p "$tmp/small"
mount_small "$tmp/small"
if [ "$mounted" != yes ]; then
    for i in 1 2; do echo "ok $((tap_n += 1)) # SKIP $mounted"; done
else
    trap 'umount "$tmp/small"; rm -rf "$tmp"' EXIT
    # fill the 1 MiB less and less until the study fits: every failure on the way one line
    # with the reason, and no DIR left on the full disk
    good=1 fails=0 where=""
    for k in $(seq 1024 -16 512); do
        rm -rf "$tmp/small"/*
        head -c "${k}k" /dev/zero >"$tmp/small/fill" 2>/dev/null
        "$SCALE" --merge "$tmp/r2" --out "$tmp/small/o" >/dev/null 2>"$tmp/err"
        st=$?
        [ $st -eq 0 ] && break
        fails=$((fails + 1))
        where="$where $(sed -n 's/.*cannot write .*\/\([a-z]*\.[a-z]*\): .*/\1/p' "$tmp/err")"
        [ $st -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q ': No space left on device$' "$tmp/err" &&
            [ "$(ls -A "$tmp/small")" = fill ] || { good=0; diag "fill ${k}k: exit $st: $(cat "$tmp/err")"; }
    done
    [ $good -eq 1 ] && [ $st -eq 0 ] && [ $fails -ge 2 ] && grep -q png <<<"$where"
    ok $? "--out on a full disk: exit 1, one line ending 'No space left on device', no DIR left ($fails fills failed at:$where)"
    rm -rf "$tmp/small"/*
    head -c 1020k /dev/zero >"$tmp/small/fill" 2>/dev/null
    TMPDIR=$tmp/small "$SCALE" --merge "$tmp/r2" --out "$tmp/ot" >/dev/null 2>"$tmp/err"
    [ $? -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q ': No space left on device$' "$tmp/err" &&
        ! grep -q Warning "$tmp/err" && [ ! -e "$tmp/ot" ] && [ "$(ls -A "$tmp/small")" = fill ]
    ok $? "a full TMPDIR: one line with the reason ($(cat "$tmp/err")), no DIR"
fi
"$SCALE" --help | grep -q 'bench/scale --merge scaling'
ok $? "--help shows examples"

# --- pi --json "cpus": what the scaling study marks oversubscription by -------------------------
cpus() { mpi "$@" 2>/dev/null | jfield cpus; }
[ "$(cpus 1 --bind 1 "$PI" midpoint -n 1e5 --threads 2 --json)" = 1 ] &&
    [ "$(cpus 3 --bind none "$PI" midpoint -n 1e5 --json)" = "$cores" ] && [ "$("$PI" midpoint -n 1e5 --json | jfield cpus)" = "$cores" ]
ok $? "pi --json cpus: 1 for a rank bound to one core, $cores unbound (union over the host's ranks)"
if [ "$cores" -ge 2 ]; then
    [ "$(cpus 1 --bind 2 "$PI" midpoint -n 1e5 --threads 2 --json)" = 2 ] &&
        [ "$(cpus 2 --bind 1 "$PI" midpoint -n 1e5 --json)" = 2 ]
    ok $? "pi --json cpus: 2 for one rank with PE=2, and for two ranks bound to a core each"
fi
done_testing
