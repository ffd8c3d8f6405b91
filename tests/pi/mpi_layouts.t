#!/usr/bin/env bash
# mpi_layouts.t - pi is bit-for-bit identical for every ranks x threads layout (np 1-4 x threads 1-3).
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# n: prime, tiny (fewer steps than workers), and a round size
for n in 1000003 5 20000000; do
    ref=""
    for np in 1 2 3 4; do
        for t in 1 2 3; do
            out=$(mpi "$np" "$PI" midpoint -n "$n" --threads "$t" --json 2>"$tmp/err")
            rc=$?
            pi=$(jfield pi <<<"$out")
            [ -z "$ref" ] && ref=$pi
            [ $rc -eq 0 ] && [ -n "$pi" ] && [ "$pi" = "$ref" ] &&
                [ "$(jfield ranks <<<"$out")" = "$np" ] &&
                [ "$(jfield threads <<<"$out")" = "$t" ] &&
                [ "$(jfield check <<<"$out")" = pass ]
            ok $? "n=$n np=$np threads=$t: pi $pi == 1x1 pi $ref, layout reported, check pass"
        done
    done
done

# OMP_NUM_THREADS is the default thread count; the reference kernel gives the same bits
out=$(OMP_NUM_THREADS=2 mpi 2 --env OMP_NUM_THREADS "$PI" midpoint -n 1000003 --kernel ref --json 2>"$tmp/err")
[ "$(jfield threads <<<"$out")" = 2 ] && [ "$(jfield kernel <<<"$out")" = ref ]
ok $? "OMP_NUM_THREADS=2 gives 2 threads per rank; --kernel ref runs"
ref1=$(mpi 1 "$PI" midpoint -n 1000003 --json | jfield pi)
[ "$(jfield pi <<<"$out")" = "$ref1" ]
ok $? "reference kernel on 2x2 == fast kernel on 1x1, bit for bit"

# --repeat: best <= median, one JSON object
out=$(mpi 2 "$PI" midpoint -n 1e6 --repeat 3 --json)
[ "$(wc -l <<<"$out")" -eq 1 ] && [ "$(jfield repeat <<<"$out")" = 3 ] &&
    awk -v b="$(jfield seconds <<<"$out")" -v m="$(jfield seconds_median <<<"$out")" \
        'BEGIN { exit !(b > 0 && b <= m) }'
ok $? "--repeat 3: one JSON line, best <= median"

# the JSON record carries the promised keys and build provenance
out=$(mpi 2 "$PI" midpoint -n 1e6 --json)
miss=""
for k in method n ranks threads pi abs_error error_bound seconds steps_per_second check \
         build compiler cflags mpi git; do
    grep -q "\"$k\": " <<<"$out" || miss="$miss $k"
done
[ -z "$miss" ]
ok $? "JSON keys present (missing:${miss:- none})"
perl -MJSON::PP -e 'my $d = decode_json(join "", <STDIN>); exit !($d->{method} eq "midpoint" && ref $d->{build} eq "HASH")' <<<"$out"
ok $? "JSON parses (perl JSON::PP) as one object with a build object"

# human output: 16 decimals, error, truncation, bound, layout, time, rate
out=$(mpi 2 "$PI" midpoint -n 1e7)
grep -q '^pi  *3\.1415926535897[0-9]\{3\}$' <<<"$out" && grep -q '^|pi - true pi|' <<<"$out" &&
    grep -q '^truncation' <<<"$out" && grep -q '^rounding bound' <<<"$out" &&
    grep -q '^layout  *2 ranks x 1 thread = 2 workers on 1 host' <<<"$out" &&
    grep -q '^wall time' <<<"$out" && grep -q 'steps/s' <<<"$out" && grep -q '^check  *pass' <<<"$out"
ok $? "human report has pi to 16 decimals, errors, layout, time, rate, check"

# threads squeezed by binding: warned once; given room: no warning
if [ "$(nproc)" -ge 2 ]; then
    mpi 2 --bind 1 "$PI" midpoint -n 1e6 --threads 2 >/dev/null 2>"$tmp/err"
    [ "$(grep -c 'warning: a rank may run on only 1 CPU but has 2 threads' "$tmp/err")" -eq 1 ]
    ok $? "ranks bound to 1 core with 2 threads: one warning suggesting --map-by"
    mpi 2 --bind none "$PI" midpoint -n 1e6 --threads 2 >/dev/null 2>"$tmp/err"
    ! grep -q warning "$tmp/err"
    ok $? "--bind-to none: no warning"
fi

# pi all: every method, summary table, exit 0; n = 1e9 gives the double nearest pi
out=$(mpi 2 "$PI" all)
rc=$?
[ $rc -eq 0 ] && grep -q '^midpoint  *1000000000 steps  *3.1415926535897931 .* pass$' <<<"$out" &&
    grep -q '^montecarlo .* pass$' <<<"$out" && grep -q '^bbp .* pass$' <<<"$out" &&
    grep -q '^chudnovsky .* pass$' <<<"$out"
ok $? "pi all: summary table, every method passing, midpoint at 1e9 = 3.1415926535897931"
out=$(mpi 2 "$PI" all --json)
perl -MJSON::PP -e 'my $d = decode_json(join "", <STDIN>); my @r = @{$d->{results}};
    exit !(@r == 4 && $d->{check} eq "pass" && $r[0]{pi} == 3.1415926535897931 &&
           $r[3]{method} eq "chudnovsky" && $d->{ranks} == 2 &&
           $d->{workers} == $d->{ranks} * $d->{threads})' <<<"$out"
ok $? "pi all --json: one object, four results (chudnovsky the fourth), ranks x threads = workers"
for m in "montecarlo -n 1e6" "bbp --hex-at 1000" "bbp --digits 100"; do
    $PI $m --json | perl -MJSON::PP -e 'decode_json(join "", <STDIN>)'
    ok $? "pi $m --json parses"
done

done_testing
