#!/usr/bin/env bash
# agreement.t - the start-up handshake and agreement of pi, map and workshop: two different programs in one MPMD launch refuse together, exit 2, one line, no hang.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '1\n2\n' >"$tmp/in.txt"
PI_CMD=("$BIN/pi" midpoint -n 1e6)
MAP_CMD=("$BIN/map" celsius "$tmp/in.txt")
WS_CMD=("$BIN/workshop" processes)

# pair LABEL PREFIX WANT -- A... -- B...: `mpirun -np 1 A : -np 2 B` exits 2 within 30 s with
# exactly one line of ours (PREFIX, rank 0's program) saying WANT, nothing on stdout, no MPI noise
pair() {
    local label=$1 prefix=$2 want=$3; shift 4
    local a=() b=()
    while [ "$1" != -- ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    local t0=$SECONDS
    timeout 60 "$MPILAUNCH" --oversubscribe -np 1 "${a[@]}" : -np 2 "${b[@]}" >"$tmp/out" 2>"$tmp/err"
    local rc=$? dt=$((SECONDS - t0))
    local ours
    ours=$(grep -c "^$prefix" "$tmp/err")
    [ $rc -eq 2 ] && [ "$ours" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        ! grep -qi 'MPI_ERR\|MPI_ABORT\|truncat' "$tmp/err" && [ $dt -le 30 ]
    ok $? "$label: exit $rc, $ours line of ours with \"$want\", ${dt}s"
    [ $rc -eq 2 ] || diag "$(head -n 5 "$tmp/err")"
}

# (pi : map, pi : workshop and workshop : pi are in tests/pi/bad_input.t and
# tests/workshop/bad_input.t; here the pairs they leave out)
progs="the launch runs different programs (map and workshop: an MPMD launch with ':'?): every rank must run the same program"
pair "map : workshop" "map:" "map: $progs" -- "${MAP_CMD[@]}" -- "${WS_CMD[@]}"
pair "workshop : map" "workshop processes:" "workshop processes: $progs" -- "${WS_CMD[@]}" -- "${MAP_CMD[@]}"
# rank 0 runs fine, the other program refuses its options: the launch is still refused once
pair "pi : workshop with a bad option" "pi midpoint:" "pi midpoint: the launch runs different programs (pi and workshop" \
    -- "${PI_CMD[@]}" -- "$BIN/workshop" counter --bogus
pair "map : pi with a bad option" "map:" "map: the launch runs different programs (map and pi" \
    -- "${MAP_CMD[@]}" -- "$BIN/pi" midpoint --bogus
done_testing
