#!/usr/bin/env bash
# bbp_split.t - pi bbp --digits by blocked binary splitting: the same digits on every layout and
# as the direct sum, --progress, the JSON fields, the memory refusal, and every bad input.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sha() { sha256sum "$1" | cut -c1-64; }

# layouts: ranks x threads, one output
N=30011
"$PI" bbp --digits $N --algorithm direct -o "$tmp/direct.txt" >/dev/null 2>&1
ok $? "direct sum of $N digits as the oracle"
for l in 1x1 2x1 1x3 3x2 4x1; do
    np=${l%x*} t=${l#*x}
    mpi "$np" "$PI" bbp --digits $N --threads "$t" -o "$tmp/split.$l.txt" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 0 ] && cmp -s "$tmp/split.$l.txt" "$tmp/direct.txt"
    ok $? "layout $l: $N digits by split == direct (exit $rc, sha256 $(sha "$tmp/split.$l.txt" | cut -c1-12))"
done

# standard output carries exactly the digits line; the JSON names the algorithm and blocks
out=$(mpi 2 "$PI" bbp --digits 5000 2>"$tmp/err")
[ "$out" = "$(head -c 5002 "$tmp/direct.txt")" ]
ok $? "stdout is \"3.\" + 5000 digits and nothing else"
out=$(mpi 2 "$PI" bbp --digits 5000 --json)
[ "$(jfield algorithm <<<"$out")" = split ] && [ "$(jfield blocks <<<"$out")" -gt 1 ] &&
    [ "$(jfield peak_rss_bytes <<<"$out")" -gt 1000000 ] &&
    [ "$(jfield last_50 <<<"$out")" = "$(head -c 5002 "$tmp/direct.txt" | tail -c 50)" ]
ok $? "--json: algorithm split, $(jfield blocks <<<"$out") blocks, peak_rss_bytes $(jfield peak_rss_bytes <<<"$out")"
out=$("$PI" bbp --digits 5000 --algorithm direct --json)
[ "$(jfield algorithm <<<"$out")" = direct ] && [ "$(jfield check <<<"$out")" = pass ]
ok $? "--json with --algorithm direct says direct"

# progress: on stderr only, blocks done over the total at the end
mpi 1 "$PI" bbp --digits 200000 --progress >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -Eq '^pi bbp: blocks ([0-9]+)/\1, [0-9.]+ s elapsed$' "$tmp/err" &&
    [ "$(wc -l <"$tmp/out")" -eq 1 ] && [ "$(wc -c <"$tmp/out")" -eq 200003 ]
ok $? "--progress: $(grep -m1 blocks "$tmp/err"); stdout only the digits"
mpi 2 "$PI" bbp --digits 200000 --progress >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && [ "$(grep -c 'of rank 0' "$tmp/err")" -ge 1 ] && ! grep -q blocks "$tmp/out"
ok $? "--progress on 2 ranks: rank 0 reports its blocks: $(grep -m1 blocks "$tmp/err")"
"$PI" bbp --digits 200000 >"$tmp/out" 2>"$tmp/err"
! grep -q blocks "$tmp/err"
ok $? "no progress without --progress when stderr is not a terminal"
if command -v script >/dev/null; then
    script -qec "$PI bbp --digits 300000 -o $tmp/tty.txt" /dev/null >"$tmp/tty.log" 2>&1
    grep -q 'pi bbp: blocks' "$tmp/tty.log" && [ "$(wc -c <"$tmp/tty.txt")" -eq 300003 ] &&
        cmp -s <(head -c 30013 "$tmp/tty.txt") <(head -c 30013 "$tmp/direct.txt")
    ok $? "on a terminal progress shows by itself"
else
    ok 0 "# SKIP script(1) missing: no terminal to test progress on"
fi

# the memory estimate: refused before any work, on every rank, one line, nothing written
echo previous >"$tmp/keep.txt"
PI_MEMORY_LIMIT=64M mpi 2 "$PI" bbp --digits 1e8 -o "$tmp/keep.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c 'pi bbp' "$tmp/err")" -eq 1 ] &&
    grep -q "pi bbp: --digits '1e8' needs about .* of memory (2 rank(s) on this host), more than the 64.0 MiB available (PI_MEMORY_LIMIT)" "$tmp/err" &&
    [ "$(cat "$tmp/keep.txt")" = previous ] && [ -z "$(ls "$tmp" | grep keep.txt.tmp)" ]
ok $? "PI_MEMORY_LIMIT=64M: --digits 1e8 refused, exit $rc: $(grep 'pi bbp' "$tmp/err")"
PI_MEMORY_LIMIT=64M "$PI" bbp --digits 1e5 >/dev/null 2>"$tmp/err"
ok $? "PI_MEMORY_LIMIT=64M: --digits 1e5 fits and runs"
PI_MEMORY_LIMIT=lots "$PI" bbp --digits 10 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "invalid PI_MEMORY_LIMIT 'lots'" "$tmp/err"
ok $? "PI_MEMORY_LIMIT=lots: exit 2: $(cat "$tmp/err")"

# bad inputs: exit 2, one line naming the value, nothing created; alone and on 2 ranks (said
# once: the rest of stderr is mpirun's own report of the exit status)
for c in "'0'|--digits	0" "'-5'|--digits	-5" "'1.5'|--digits	1.5" "'12abc'|--digits	12abc" \
         "'nosuch'|--algorithm	nosuch" "'2e7'|--digits	2e7	--algorithm	direct" \
         "'split'|--hex-at	5	--algorithm	split" "'5'|--hex-at	5	--progress" \
         "'$tmp/none/pi.txt'|--digits	10	-o	$tmp/none/pi.txt"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    "$PI" bbp "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && grep -qF -- "$want" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        [ ! -s "$tmp/out" ] && [ ! -e "$tmp/none" ]
    ok $? "bbp ${args[*]}: exit $rc, one line naming $want: $(cat "$tmp/err")"
    mpi 2 "$PI" bbp "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -c "^pi bbp: .*$want" "$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
        [ ! -e "$tmp/none" ]
    ok $? "bbp ${args[*]} on 2 ranks: exit $rc, said once"
done
echo previous >"$tmp/ro.txt"
chmod 444 "$tmp/ro.txt"
if [ "$(id -u)" = 0 ]; then
    # root may write anywhere: a full disk is the unwritable case (faults.t); check /dev/full here
    "$PI" bbp --digits 1000 -o /dev/full >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "cannot write /dev/full" "$tmp/err"
    ok $? "-o /dev/full: exit $rc at run time: $(cat "$tmp/err")"
else
    "$PI" bbp --digits 1000 -o "$tmp/ro.txt" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ "$(cat "$tmp/ro.txt")" = previous ]
    ok $? "-o on a read-only file: exit 2, file untouched"
fi

done_testing
