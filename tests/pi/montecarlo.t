#!/usr/bin/env bash
# montecarlo.t - Monte Carlo pi under mpirun: identical hits for np 1-4 x threads 1-3, GSL path, report.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# n: fewer darts than workers, prime, round
for n in 5 1000003 1e7; do
    ref=""
    for np in 1 2 3 4; do
        for t in 1 2 3; do
            out=$(mpi "$np" "$PI" montecarlo -n "$n" --seed 42 --threads "$t" --json 2>"$tmp/err")
            rc=$?
            hits=$(jfield hits <<<"$out")
            [ -z "$ref" ] && ref=$hits
            [ $rc -eq 0 ] && [ -n "$hits" ] && [ "$hits" = "$ref" ] &&
                [ "$(jfield workers <<<"$out")" = $((np * t)) ] &&
                [ "$(jfield seed <<<"$out")" = 42 ] && [ "$(jfield check <<<"$out")" = pass ]
            ok $? "n=$n np=$np threads=$t: hits $hits == 1x1 hits $ref, check pass"
        done
    done
done

# the reference kernel throws the same darts
a=$(mpi 3 "$PI" montecarlo -n 1000003 --seed 42 --kernel ref --json 2>/dev/null | jfield hits)
b=$(mpi 1 "$PI" montecarlo -n 1000003 --seed 42 --json 2>/dev/null | jfield hits)
[ -n "$a" ] && [ "$a" = "$b" ]
ok $? "--kernel ref on 3 ranks == fast on 1 rank ($a)"

# seeds: another seed, other darts; the default seed is printed and repeatable
a=$("$PI" montecarlo -n 1e6 --seed 1 --json | jfield hits)
b=$("$PI" montecarlo -n 1e6 --seed 2 --json | jfield hits)
c=$("$PI" montecarlo -n 1e6 --json)
[ "$a" != "$b" ] && [ "$(jfield seed <<<"$c")" = 1 ] && [ "$(jfield hits <<<"$c")" = "$a" ]
ok $? "seed 1 != seed 2; default seed 1 is reported and repeatable"
a=$("$PI" montecarlo -n 1e6 --seed 0xFFFFFFFFFFFFFFFF --json | jfield seed)
[ "$a" = 18446744073709551615 ]
ok $? "64-bit seed accepted in hex"

# JSON keys
out=$(mpi 2 "$PI" montecarlo -n 1e6 --json 2>/dev/null)
miss=""
for k in method n ranks threads pi abs_error error_bound seconds check build samples hits seed rng \
         std_error ci_low ci_high sigmas samples_per_second layout_independent; do
    grep -q "\"$k\": " <<<"$out" || miss="$miss $k"
done
[ -z "$miss" ] && [ "$(jfield rng <<<"$out")" = philox4x32-10 ] &&
    awk -v l="$(jfield ci_low <<<"$out")" -v h="$(jfield ci_high <<<"$out")" -v p="$(jfield pi <<<"$out")" \
        'BEGIN { exit !(l < p && p < h) }'
ok $? "JSON keys present (missing:${miss:- none}); ci_low < pi < ci_high"

# GSL generators: chosen the GSL way, seeded, and flagged as layout-dependent
out=$(GSL_RNG_TYPE=ranlxd2 GSL_RNG_SEED=7 "$PI" montecarlo -n 1e6 --rng gsl --json)
[ $? -eq 0 ] && [ "$(jfield rng <<<"$out")" = gsl:ranlxd2 ] && [ "$(jfield seed <<<"$out")" = 7 ] &&
    [ "$(jfield layout_independent <<<"$out")" = false ] && [ "$(jfield check <<<"$out")" = pass ]
ok $? "GSL_RNG_TYPE=ranlxd2 GSL_RNG_SEED=7 --rng gsl: used, reported, layout-dependent"
out=$(mpi 2 "$PI" montecarlo -n 1e6 --rng gsl:mt19937 --threads 2 2>/dev/null)
[ $? -eq 0 ] && grep -q 'rng gsl:mt19937' <<<"$out" && grep -q 'depend on the ranks x threads layout' <<<"$out"
ok $? "--rng gsl:mt19937 on 2x2: text says results depend on the layout"
out=$("$PI" montecarlo -n 1e6 --rng gsl --json)
[ "$(jfield rng <<<"$out")" = gsl:mt19937 ]
ok $? "--rng gsl without GSL_RNG_TYPE: GSL's default mt19937"

# human report
out=$(mpi 2 "$PI" montecarlo -n 1e7 --seed 3 2>/dev/null)
grep -q '^hits  *[0-9]* of 10000000$' <<<"$out" && grep -q '^std error' <<<"$out" &&
    grep -q '^99% interval' <<<"$out" && grep -q 'sigma' <<<"$out" && grep -q '^check  *pass' <<<"$out"
ok $? "human report: hits, std error, 99% interval, sigmas, check"

done_testing
