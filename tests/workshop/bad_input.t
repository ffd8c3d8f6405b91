#!/usr/bin/env bash
# workshop_bad_input.t - workshop's bad input: one line from rank 0 naming it, exit 2 everywhere, no hang, for any -np and MPMD.
. "$(dirname "$0")/../lib.sh"

WS=$BIN/workshop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# case: the text the message must contain | arguments (tab separated)
cases=(
    "unknown lesson 'bogus'|bogus"
    "no lesson given|"
    "invalid --sizes '0'|pingpong	--sizes	0"
    "invalid --sizes '1e30'|pingpong	--sizes	1e30"
    "invalid --sizes '1e30'|pingpong	--sizes=1e30"
    "invalid --sizes minimum '0'|pingpong	--sizes	0:64"
    "invalid --sizes '64:8'|pingpong	--sizes	64:8"
    "workshop pingpong: invalid --sizes '3:': no maximum after ':' (give MIN:MAX, or MAX)|pingpong	--sizes	3:"
    "workshop pingpong: invalid --sizes ':64': no minimum before ':' (give MIN:MAX, or MAX)|pingpong	--sizes=:64"
    "invalid --size '2e9'|pingpong	--size	2e9"
    "--size and --sizes|pingpong	--sizes	--size	8"
    "invalid --iterations '0'|pingpong	--iterations	0"
    "invalid --warmup '-1'|pingpong	--warmup	-1"
    "invalid --increments '0'|counter	--increments	0"
    "invalid --increments '1.5'|counter	--increments	1.5"
    "invalid --increments '1e13'|counter	--increments	1e13"
    "unknown variant 'mutex'|counter	--variants	lock,mutex"
    "invalid --threads '0'|counter	--threads	0"
    "unknown --task 'quad'|processes	--task	quad"
    "invalid --input '-3'|processes	--input	-3"
    "invalid --scale 'fast'|join-order	--scale	fast"
    "invalid --scale '11'|queue	--scale	11"
    "invalid --tasks '0'|queue	--tasks	0"
    "invalid --seed 'x'|queue	--seed	x"
    "invalid --length '0'|shared	--length	0"
    "unknown option '--threads'|shared	--threads	2"
    "unknown option '--bogus'|counter	--bogus"
    "unexpected argument 'extra'|queue	extra"
    "option '--length' needs a value|shared	--length"
)

# check_case LABEL WANT CMD...: exit 2, one message line from us naming it, nothing on stdout, fast
check_case() {
    local label=$1 want=$2; shift 2
    local t0=$SECONDS
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? dt=$((SECONDS - t0))
    local ours
    ours=$(grep -c '^workshop' "$tmp/err")
    [ $rc -eq 2 ] && [ "$ours" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        ! grep -qi 'MPI_ABORT' "$tmp/err" && [ $dt -le 10 ]
    ok $? "$label ${*:2}: exit $rc, $ours message line with \"$want\", ${dt}s: $(grep '^workshop' "$tmp/err")"
}

for c in "${cases[@]}"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    check_case "alone:" "$want" "$WS" "${args[@]}"
    [ "$(wc -l <"$tmp/err")" -eq 1 ]
    ok $? "alone: stderr is exactly one line"
done

# under mpirun: the same verdict on every rank, said once
for c in "invalid --sizes '0'|pingpong	--sizes	0" "unknown lesson 'bogus'|bogus" \
         "invalid --increments '0'|counter	--increments	0"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    for np in 1 3 4; do
        check_case "np=$np:" "$want" mpi "$np" "$WS" "${args[@]}"
    done
done

check_case "np=2:" "workshop pingpong: invalid --sizes '3:': no maximum after ':'" mpi 2 "$WS" pingpong --sizes 3:

# known only once MPI runs: the world's size
check_case "alone:" "needs 2 ranks or more" "$WS" pingpong
check_case "np=1:" "needs 2 ranks or more" mpi 1 "$WS" pingpong --sizes
for np in 3 5; do
    check_case "np=$np:" "rank $((np - 1)) would have no partner" mpi "$np" "$WS" pingpong
done

# MPMD: the applications parse different argv, yet agree; the message reaches rank 0
mpmd() { timeout 120 "$MPILAUNCH" --oversubscribe "$@"; }
check_case "MPMD, app 1 bad:" "unknown --task 'bogus'" \
    mpmd -np 1 "$WS" processes --task square : -np 2 "$WS" processes --task bogus
check_case "MPMD, app 0 bad:" "unknown --task 'bogus'" \
    mpmd -np 2 "$WS" processes --task bogus : -np 1 "$WS" processes --task cube
check_case "MPMD, different lessons:" "only --task may differ" \
    mpmd -np 1 "$WS" processes : -np 1 "$WS" counter
check_case "MPMD, different --input:" "only --task may differ" \
    mpmd -np 1 "$WS" processes --input 3 : -np 2 "$WS" processes --input 4
check_case "MPMD, --help in one app only:" "only --task may differ" \
    mpmd -np 1 "$WS" processes : -np 1 "$WS" processes --help
check_case "MPMD, different thread counts:" "disagree on the thread count" \
    mpmd -np 1 "$WS" processes --threads 2 : -np 1 "$WS" processes --threads 3

# MPMD of two programs (workshop and pi): every rank refuses (exit 2), one line, no MPI error
for order in "workshop:1:2" "pi:2:1"; do
    IFS=: read -r first n1 n2 <<<"$order"
    if [ "$first" = workshop ]; then
        prog="workshop processes"
        cmd=(mpmd -np "$n1" "$WS" processes : -np "$n2" "$BIN/pi" midpoint -n 1e3)
    else
        prog="pi midpoint"
        cmd=(mpmd -np "$n1" "$BIN/pi" midpoint -n 1e3 : -np "$n2" "$WS" processes)
    fi
    want="$prog: the launch runs different programs (pi and workshop: an MPMD launch with ':'?): every rank must run the same program"
    "${cmd[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -cE '^(workshop|pi)' "$tmp/err")" -eq 1 ] && [ "$(grep -E '^(workshop|pi)' "$tmp/err")" = "$want" ] &&
        ! grep -qE 'MPI_ERR|MPI_ABORT|\*\*\*' "$tmp/err" && [ ! -s "$tmp/out" ]
    ok $? "MPMD $first first (-np $n1 : -np $n2): exit $rc, one line: $(grep -m1 -E '^(workshop|pi)|MPI_ERR' "$tmp/err")"
done
mpmd -np 1 "$WS" processes --task nope : -np 1 "$BIN/pi" midpoint >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ "$(grep -cE '^(workshop|pi)' "$tmp/err")" -eq 1 ] && grep -q "^workshop processes: unknown --task 'nope'" "$tmp/err"
ok $? "MPMD workshop (bad --task) with pi: exit $rc, only the usage error's line"

# the message is never lost: mpirun ends the job at the first non-zero exit
lost=0
for i in 1 2 3 4 5 6; do
    mpmd -np 2 "$WS" processes --task square : -np 2 "$WS" processes --task nope >/dev/null 2>"$tmp/err"
    [ "$(grep -c "^workshop processes: unknown --task 'nope'" "$tmp/err")" -eq 1 ] || lost=$((lost + 1))
done
ok $lost "6 MPMD runs with a bad --task in app 1: the message is there once every time ($lost lost)"

OMP_NUM_THREADS=abc "$WS" counter >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "OMP_NUM_THREADS 'abc'" "$tmp/err"
ok $? "OMP_NUM_THREADS=abc: exit 2 naming it"
for v in abc 0 5000; do
    OMP_NUM_THREADS=$v "$WS" counter >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^workshop counter: invalid OMP_NUM_THREADS '$v': " "$tmp/err"
    ok $? "OMP_NUM_THREADS=$v: exactly one line, the program's (no libgomp line): $(head -n 1 "$tmp/err")"
    OMP_NUM_THREADS=$v check_case "np=2:" "workshop counter: invalid OMP_NUM_THREADS '$v': " mpi 2 "$WS" counter
done

"$WS" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'workshop --help' "$tmp/err"
ok $? "no lesson: exit 2, points to --help"

done_testing
