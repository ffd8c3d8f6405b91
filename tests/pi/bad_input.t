#!/usr/bin/env bash
# bad_input.t - every bad option or value: one stderr line naming it, exit 2 on every rank, fast.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# case: the text the message must quote | arguments (tab separated)
cases=(
    "'0'|midpoint	-n	0"
    "'-5'|midpoint	-n	-5"
    "'abc'|midpoint	--steps	abc"
    "'1.5'|midpoint	-n	1.5"
    "'1e30'|midpoint	-n	1e30"
    "'2^64'|midpoint	-n	2^64"
    "''|midpoint	-n	"
    "'4503599627370497'|midpoint	-n	4503599627370497"
    "'--bogus'|midpoint	--bogus"
    "'-x'|midpoint	-x"
    "'-n'|midpoint	-n"
    "'--steps'|midpoint	--steps"
    "'foo'|foo"
    "'0'|midpoint	--threads	0"
    "'two'|midpoint	--threads	two"
    "'0'|midpoint	--repeat	0"
    "'1000'|midpoint	--repeat	1000"
    "'simd'|midpoint	--kernel	simd"
    "'extra'|midpoint	extra"
    "'--bogus'|all	--bogus"
    "'0'|montecarlo	--samples	0"
    "'-3'|montecarlo	-n	-3"
    "'1e19'|montecarlo	-n	1e19"
    "'-1'|montecarlo	--seed	-1"
    "'abc'|montecarlo	--seed	abc"
    "'18446744073709551616'|montecarlo	--seed	18446744073709551616"
    "'4.5'|montecarlo	--seed	4.5"
    "'mersenne'|montecarlo	--rng	mersenne"
    "'gsl:nope'|montecarlo	--rng	gsl:nope"
    "'ref'|montecarlo	--rng	gsl:mt19937	--kernel	ref"
    "'vec'|montecarlo	--kernel	vec"
)

check_case() { # $1 = launcher label, $2 = quoted value, rest = command
    local label=$1 want=$2; shift 2
    local t0=$SECONDS
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? dt=$((SECONDS - t0))
    local ours
    ours=$(grep -c '^pi' "$tmp/err")
    [ $rc -eq 2 ] && [ "$ours" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        ! grep -qi 'MPI_ABORT' "$tmp/err" && [ $dt -le 10 ]
    ok $? "$label ${*:2}: exit $rc, $ours message line naming $want, ${dt}s: $(grep '^pi' "$tmp/err")"
}

for c in "${cases[@]}"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    [ "${c: -1}" = $'\t' ] && args+=("")        # a trailing empty value
    check_case "alone:" "$want" "$PI" "${args[@]}"
    # plain runs must print exactly the one line
    [ "$(wc -l <"$tmp/err")" -eq 1 ]
    ok $? "alone: stderr is exactly one line"
done

# under mpirun: the same verdict on every rank, printed once (mpirun may add its own trailer)
for c in "'abc'|midpoint	-n	abc" "'--bogus'|midpoint	--bogus" "'foo'|foo" "'1.5'|midpoint	-n	1.5"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    for np in 1 3 4; do
        check_case "np=$np:" "$want" mpi "$np" "$PI" "${args[@]}"
    done
done

# unknown generators list the valid ones; the GSL environment is checked like options
"$PI" montecarlo --rng gsl:nope >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "choose one of: .*mt19937.*ranlxd2" "$tmp/err"
ok $? "unknown GSL generator: the message lists the valid ones"
GSL_RNG_TYPE=bogus "$PI" montecarlo --rng gsl >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "invalid GSL_RNG_TYPE 'bogus'" "$tmp/err"
ok $? "GSL_RNG_TYPE=bogus: exit 2 naming it"
GSL_RNG_SEED=x1 "$PI" montecarlo --rng gsl >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "GSL_RNG_SEED 'x1'" "$tmp/err"
ok $? "GSL_RNG_SEED=x1: exit 2 naming it"

# the message is never lost: mpirun ends the job at the first non-zero exit
lost=0
for i in 1 2 3 4 5 6 7 8; do
    mpi 4 "$PI" midpoint -n 1.5 >/dev/null 2>"$tmp/err"
    [ "$(grep -c "^pi midpoint: invalid --steps '1.5'" "$tmp/err")" -eq 1 ] || lost=$((lost + 1))
done
ok $lost "8 runs at np=4: the message is there once every time ($lost lost)"

# a bad OMP_NUM_THREADS is named too
OMP_NUM_THREADS=abc "$PI" midpoint -n 10 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "OMP_NUM_THREADS 'abc'" "$tmp/err"
ok $? "OMP_NUM_THREADS=abc: exit 2 naming it"

# exact_line LABEL LINE CMD...: exit 2, nothing on stdout, and LINE is the one line from us on
# stderr (alone: the only line; under mpirun, which may add its own trailer, our only line)
exact_line() {
    local label=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(grep -c '^pi' "$tmp/err")" -eq 1 ] &&
        [ "$(grep '^pi' "$tmp/err")" = "$want" ] && ! grep -qi 'MPI_ABORT' "$tmp/err" &&
        { [ "$1" = mpi ] || [ "$(wc -l <"$tmp/err")" -eq 1 ]; }
    ok $? "$label: exit $rc, one line: $(grep -m1 '^pi' "$tmp/err" || head -n 1 "$tmp/err")"
}

# PI_CHECK_SCALE: a tiny positive factor (a subnormal) is a factor; what is refused says why
for v in 1e-320 4.9e-324 2e-310; do
    PI_CHECK_SCALE=$v "$PI" midpoint -n 1e3 --json >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && [ "$(jfield check <"$tmp/out")" = fail ] && ! grep -q PI_CHECK_SCALE "$tmp/err"
    ok $? "PI_CHECK_SCALE=$v (subnormal): accepted, the bound shrinks to almost 0 (check fail, exit $rc)"
done
why="(a finite factor >= 0 on every self-check bound; default 1)"
for np in 0 2; do
    run=("$PI"); [ $np -gt 0 ] && run=(mpi $np "$PI")
    PI_CHECK_SCALE=1e-400 exact_line "PI_CHECK_SCALE=1e-400 np=$np" \
        "pi midpoint: invalid PI_CHECK_SCALE '1e-400': too small: it rounds to 0, and the least positive factor is 4.9e-324 $why" \
        "${run[@]}" midpoint -n 1e3
    PI_CHECK_SCALE=1e400 exact_line "PI_CHECK_SCALE=1e400 np=$np" \
        "pi midpoint: invalid PI_CHECK_SCALE '1e400': too large: above 1.8e308, the largest double $why" \
        "${run[@]}" midpoint -n 1e3
    PI_CHECK_SCALE=-1e-400 exact_line "PI_CHECK_SCALE=-1e-400 np=$np" \
        "pi midpoint: invalid PI_CHECK_SCALE '-1e-400': negative $why" \
        "${run[@]}" midpoint -n 1e3
done

# checkpoints refused in the user's terms: a CRLF copy, a --hex-at of another run
(
    cd "$tmp" || exit 1
    "$PI" midpoint -n 1e5 --checkpoint m.ck --keep-checkpoint >/dev/null &&
        sed 's/$/\r/' m.ck >crlf.ck && "$PI" bbp --hex-at 1000 --checkpoint h.ck --keep-checkpoint >/dev/null
) || echo "not ok - could not write the checkpoints the next tests need"
for np in 0 2; do
    run=("$PI"); [ $np -gt 0 ] && run=(mpi $np "$PI")
    exact_line "CRLF checkpoint np=$np" \
        "pi midpoint: checkpoint $tmp/crlf.ck is not a checkpoint written by pi (it has CRLF line ends; pi writes LF): remove it to start afresh" \
        "${run[@]}" midpoint -n 1e5 --checkpoint "$tmp/crlf.ck"
    exact_line "another --hex-at's checkpoint np=$np" \
        "pi bbp: checkpoint $tmp/h.ck is another run's (--hex-at 1000 there, 999 here): give another --checkpoint FILE or remove it" \
        "${run[@]}" bbp --hex-at 999 --checkpoint "$tmp/h.ck"
done
cmp -s "$tmp/crlf.ck" <(sed 's/$/\r/' "$tmp/m.ck") && [ -s "$tmp/h.ck" ]
ok $? "the refused checkpoints are left as they were"

# a bad OMP_NUM_THREADS: the program's one line, not the OpenMP runtime's as well
for v in abc 0 5000 -1; do
    why=$(OMP_NUM_THREADS=$v "$PI" midpoint -n 10 2>&1 | sed -n "s/^pi midpoint: invalid OMP_NUM_THREADS '$v': //p")
    for np in 0 2; do
        run=("$PI"); [ $np -gt 0 ] && run=(mpi $np "$PI")
        OMP_NUM_THREADS=$v exact_line "OMP_NUM_THREADS=$v np=$np" \
            "pi midpoint: invalid OMP_NUM_THREADS '$v': ${why:-?}" "${run[@]}" midpoint -n 10
    done
done
# accepted values the runtime reads alike: empty (the default), 1e1 and +3 (given to it as digits)
for c in ":1" "1e1:10" "+3:3" "4.0,2:4"; do
    OMP_NUM_THREADS=${c%:*} "$PI" midpoint -n 1000 --json >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(jfield threads <"$tmp/out")" = "${c#*:}" ]
    ok $? "OMP_NUM_THREADS='${c%:*}': ${c#*:} threads, nothing on stderr: $(head -n 1 "$tmp/err")"
done

# an MPMD launch of two programs: one handshake first, so both refuse (exit 2), no MPI error
exact_line "MPMD pi : map" \
    "pi midpoint: the launch runs different programs (map and pi: an MPMD launch with ':'?): every rank must run the same program" \
    mpi 1 "$PI" midpoint -n 1e3 : -np 2 "$BIN/map" bogus
! grep -q 'MPI_ERR' "$tmp/err"
ok $? "MPMD pi : map: no MPI error"

# --help in one MPMD application only: the others hear of it, no hang in MPI's start-up (the
# 120 s cap would give 124); rank 0 shows the help it was asked for, then every rank exits 2
diff_args="pi midpoint: the ranks were started with different arguments (an MPMD launch with ':'?): every rank must run the same command"
exact_line "MPMD, --help in app 1 only" "$diff_args" mpi 1 "$PI" midpoint -n 1e3 : -np 1 "$PI" midpoint --help
mpi 1 "$PI" midpoint --help : -np 2 "$PI" midpoint -n 1e3 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q '^usage: pi midpoint' "$tmp/out" && [ "$(grep -c '^pi' "$tmp/err")" -eq 1 ] &&
    [ "$(grep '^pi' "$tmp/err")" = "$diff_args" ]
ok $? "MPMD, --help in app 0 only: help shown, exit $rc, one line: $(grep -m1 '^pi' "$tmp/err")"

exact_line "MPMD pi : map --help" \
    "pi midpoint: the launch runs different programs (map and pi: an MPMD launch with ':'?): every rank must run the same program" \
    mpi 1 "$PI" midpoint -n 1e3 : -np 1 "$BIN/map" --help

# pi layout --json: one JSON object like every --json (with --expect-ranks: check fail, exit 1)
"$PI" layout --json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] && [ ! -s "$tmp/err" ] &&
    jtrue '$d->{method} eq "layout" && $d->{ranks} == 1 && $d->{check} eq "pass" && @{$d->{layout}} == 1 &&
           $d->{layout}[0]{rank} == 0 && $d->{layout}[0]{cpus} =~ /^[0-9]/ && @{$d->{layout}[0]{threads}} == 1 &&
           ref $d->{build} eq "HASH"' <"$tmp/out"
ok $? "pi layout --json: one line, one object (method, ranks, layout, build), exit $rc"
mpi 2 "$PI" layout --json --threads 2 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    jtrue '$d->{ranks} == 2 && $d->{threads} == 2 && join(",", map { $_->{rank} } @{$d->{layout}}) eq "0,1" &&
           !grep { @{$_->{threads}} != 2 || $_->{threads}[1]{thread} != 1 || $_->{threads}[1]{cpu} !~ /^[0-9]+$/ } @{$d->{layout}}' <"$tmp/out"
ok $? "mpirun -np 2 pi layout --json --threads 2: every rank and thread in the object, exit $rc"
mpi 2 "$PI" layout --json --expect-ranks 3 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] && jtrue '$d->{check} eq "fail" && $d->{expect_ranks} == 3' <"$tmp/out" &&
    [ "$(grep -c '^pi layout: FAILED: the MPI world has 2 ranks, expected 3' "$tmp/err")" -eq 1 ]
ok $? "pi layout --json --expect-ranks 3 at np 2: \"check\": \"fail\", said once, exit $rc"

# the self-check's failure path: PI_CHECK_SCALE=0 shrinks every bound to 0
for m in "midpoint -n 1e6" "montecarlo -n 1e5" "bbp --digits 30" "chudnovsky --digits 30"; do
    PI_CHECK_SCALE=0 "$PI" $m >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q 'self-check FAILED' "$tmp/err" && grep -qE '(FAIL|fail)' "$tmp/out" "$tmp/err"
    ok $? "pi $m with every bound at 0: FAIL reported, exit $rc"
done
PI_CHECK_SCALE=0 mpi 2 "$PI" midpoint -n 1e6 --json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(jfield check <"$tmp/out")" = fail ] && [ "$(grep -c 'self-check FAILED' "$tmp/err")" -eq 1 ]
ok $? "under mpirun: \"check\": \"fail\", said once, exit $rc"
PI_CHECK_SCALE=0 mpi 2 "$PI" all >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ "$(grep -c 'FAIL$' "$tmp/out")" -eq 4 ]
ok $? "pi all with every bound at 0: four FAIL rows (chudnovsky's too), exit 1"

# no arguments: usage on stderr, exit 2; --help: usage on stdout, exit 0
"$PI" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q '^usage: pi METHOD' "$tmp/err"
ok $? "no method: usage on stderr, exit 2"
"$PI" --help >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q 'midpoint' "$tmp/out" && grep -q 'examples:' "$tmp/out" && [ ! -s "$tmp/err" ]
ok $? "pi --help: methods and examples on stdout, exit 0"
out=$(mpi 3 "$PI" midpoint --help)
[ $? -eq 0 ] && [ "$(grep -c '^usage: pi midpoint' <<<"$out")" -eq 1 ] && grep -q 'examples:' <<<"$out"
ok $? "mpirun -np 3 pi midpoint --help: printed once, exit 0"

done_testing
