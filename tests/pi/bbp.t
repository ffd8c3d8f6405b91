#!/usr/bin/env bash
# bbp.t - pi bbp under mpirun: identical digits for np 1-4 x threads, atomic -o output, bad inputs.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hex digits: every layout prints the same digits and guarantee
for D in 1 100003; do
    ref=""
    for np in 1 2 3 4; do
        for t in 1 3; do
            out=$(mpi "$np" "$PI" bbp --hex-at "$D" --hex-digits 20 --threads "$t" --json 2>"$tmp/err")
            rc=$?
            got="$(jfield hex <<<"$out")/$(jfield hex_digits_guaranteed <<<"$out")"
            [ -z "$ref" ] && ref=$got
            [ $rc -eq 0 ] && [ "$got" = "$ref" ] && [ "$(jfield check <<<"$out")" = pass ]
            ok $? "hex-at $D np=$np threads=$t: $got"
        done
    done
done
out=$("$PI" bbp --hex-at 1e6 --json)
[ "$(jfield hex <<<"$out")" = 26C65E52CB4593 ] && [ "$(jfield hex_at <<<"$out")" = 1000000 ]
ok $? "--hex-at 1e6: 26C65E52CB4593 (Bailey's table)"
out=$("$PI" bbp --hex-at 1)
grep -q '^hex  *243F6A8885A308$' <<<"$out" && grep -q '^guaranteed' <<<"$out"
ok $? "human report: hex digits and the guarantee"

# decimal digits: same text (by SHA-256) for every layout; stdout == -o file
ref=""
for np in 1 2 3 4; do
    for t in 1 2; do
        out=$(mpi "$np" "$PI" bbp --digits 3001 --threads "$t" --json 2>"$tmp/err")
        sha=$(jfield sha256 <<<"$out")
        [ -z "$ref" ] && ref=$sha
        [ -n "$sha" ] && [ "$sha" = "$ref" ] && [ "$(jfield check <<<"$out")" = pass ]
        ok $? "digits 3001 np=$np threads=$t: sha256 ${sha:0:16}..."
    done
done
mpi 3 "$PI" bbp --digits 3001 -o "$tmp/pi.txt" >"$tmp/report" 2>"$tmp/err"
"$PI" bbp --digits 3001 >"$tmp/stdout.txt" 2>"$tmp/stderr.txt"
cmp -s "$tmp/pi.txt" "$tmp/stdout.txt" && [ "$(sha256sum <"$tmp/pi.txt" | cut -d' ' -f1)" = "$ref" ] &&
    [ "$(wc -c <"$tmp/pi.txt")" -eq 3004 ] && [ "$(head -c 7 "$tmp/pi.txt")" = 3.14159 ] &&
    ! ls "$tmp"/pi.txt.tmp.* >/dev/null 2>&1
ok $? "-o file == stdout text (3. + 3001 digits + newline), its SHA-256 as reported, no temp left"
grep -q 'written to' "$tmp/report" && grep -q '^check  *pass' "$tmp/report" && grep -q '^check' "$tmp/stderr.txt"
ok $? "report: on stdout with -o, on stderr when the digits take stdout"
[ "$(stat -c %a "$tmp/pi.txt")" = "$(printf '%o' $((0666 & ~0$(umask))))" ]
ok $? "-o file gets the usual permissions (umask), not mkstemp's 0600"
out=$("$PI" bbp --digits 100 --json)
[ "$(jfield first_50 <<<"$out")" = 14159265358979323846264338327950288419716939937510 ] &&
    [ "$(jfield last_50 <<<"$out")" = 58209749445923078164062862089986280348253421170679 ] &&
    [ "$(jfield digits <<<"$out")" = 100 ]
ok $? "--json: digits, first and last 50 digits"

# an existing file is replaced whole, never left partial: kill a long run
echo old >"$tmp/keep.txt"
"$PI" bbp --digits 10000000 -o "$tmp/keep.txt" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
[ "$(cat "$tmp/keep.txt")" = old ] && ! ls "$tmp"/keep.txt.tmp.* >/dev/null 2>&1
ok $? "killed during the run: old file intact, no temporary file left"

# bad inputs: exit 2, message naming the value, no output file created
for c in "'0'|--hex-at	0" "'-3'|--hex-at	-3" "'1e14'|--hex-at	1e14" "'0'|--digits	0" \
         "'25'|--hex-at	5	--hex-digits	25" "'5'|--hex-digits	5" "'1000'|--hex-at	1000	--digits	10" \
         "'1e12'|--digits	1e12" "'ref'|--digits	10	--kernel	ref"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    "$PI" bbp "${args[@]}" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && grep -qF -- "$want" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]
    ok $? "bbp ${args[*]}: exit $rc, one line naming $want: $(cat "$tmp/err")"
done
"$PI" bbp --digits 1e12 >"$tmp/out" 2>"$tmp/err"
grep -q "needs about [0-9.]* TiB of memory (1 rank(s) on this host), more than the .* available" "$tmp/err"
ok $? "--digits 1e12 says how much memory it would need: $(cat "$tmp/err")"
mpi 2 "$PI" bbp --digits 10 -o "$tmp/no/such/dir/pi.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(grep -c "cannot write -o '$tmp/no/such/dir/pi.txt'" "$tmp/err")" -eq 1 ] &&
    [ ! -e "$tmp/no" ]
ok $? "-o into a missing directory: exit 2 on every rank, said once, nothing created"

done_testing
