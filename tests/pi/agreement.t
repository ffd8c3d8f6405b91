#!/usr/bin/env bash
# agreement.t - one start-up agreement for pi, map and workshop: two different programs in one MPMD launch refuse together, exit 2, one line, no hang.
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
    timeout 60 "$MPIRUN" --oversubscribe -np 1 "${a[@]}" : -np 2 "${b[@]}" >"$tmp/out" 2>"$tmp/err"
    local rc=$? dt=$((SECONDS - t0))
    local ours
    ours=$(grep -c "^$prefix" "$tmp/err")
    [ $rc -eq 2 ] && [ "$ours" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ] &&
        ! grep -qi 'MPI_ERR\|MPI_ABORT\|truncat' "$tmp/err" && [ $dt -le 30 ]
    ok $? "$label: exit $rc, $ours line of ours with \"$want\", ${dt}s"
    [ $rc -eq 2 ] || diag "$(head -n 5 "$tmp/err")"
}

same="the ranks were started with different arguments"
mpmd="only --task may differ"
pair "workshop : pi" "workshop processes:" "$mpmd" -- "${WS_CMD[@]}" -- "${PI_CMD[@]}"
pair "pi : workshop" "pi midpoint:" "$same" -- "${PI_CMD[@]}" -- "${WS_CMD[@]}"
pair "map : workshop" "map:" "$same" -- "${MAP_CMD[@]}" -- "${WS_CMD[@]}"
pair "workshop : map" "workshop processes:" "$mpmd" -- "${WS_CMD[@]}" -- "${MAP_CMD[@]}"
pair "pi : map" "pi midpoint:" "$same" -- "${PI_CMD[@]}" -- "${MAP_CMD[@]}"
# the erring application's own line reaches rank 0 even from another program
pair "pi : workshop with a bad option" "workshop counter:" "unknown option '--bogus'" \
    -- "${PI_CMD[@]}" -- "$BIN/workshop" counter --bogus
done_testing
