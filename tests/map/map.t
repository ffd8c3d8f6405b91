#!/usr/bin/env bash
# map.t - map under mpirun: input order under both schedules, text and binary, chunks, bad input, sleep overlap.
. "$(dirname "$0")/../lib.sh"
MAP=${MAP:-$BIN/map}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# the workshop's examples
printf '# Fahrenheit\n32\n212\n\n-40   # cold\n98.6\n' >temps.txt
out=$("$MAP" celsius temps.txt --format %.17g)
[ "$out" = "$(printf '0\n100\n-40\n37')" ]
ok $? "celsius temps.txt --format %.17g: 0 100 -40 37, comments and blank lines skipped"
out=$("$MAP" celsius temps.txt)
[ "$out" = "$(printf '0.0\n100.0\n-40.0\n37.0')" ]
ok $? "celsius temps.txt: Python's repr by default: 0.0 100.0 -40.0 37.0"
out=$(printf '1 2\n3,4\n2.5 , 2\n' | "$MAP" product --format %.17g)
[ "$out" = "$(printf '2\n12\n5')" ]
ok $? "product from stdin, space and comma separated: 2 12 5"
out=$(printf '1 2\n3,4\n2.5 , 2\n' | "$MAP" product)
[ "$out" = "$(printf '2.0\n12.0\n5.0')" ]
ok $? "... and as repr: 2.0 12.0 5.0"
out=$(seq 0 7 | "$MAP" sqplus1 | tr '\n' ' ')
[ "$out" = "1.0 2.0 5.0 10.0 17.0 26.0 37.0 50.0 " ]
ok $? "the notebook's p.map(f, range(8)) over floats: $out"
"$MAP" --list >list.txt
[ "$(grep -c . list.txt)" -eq 9 ] && grep -q '^product  *2 ' list.txt && grep -q '^sleep  *1 ' list.txt
ok $? "--list: 8 transforms with arity and description"

# input order: 2000 records, values = line index, double -> 2*index, every layout and schedule
seq 0 1999 >seq.txt
seq 0 2 3998 | sed 's/$/.0/' >want.txt       # repr: 0.0 2.0 ... 3998.0
for sched in cyclic dynamic; do
    for np in 1 2 3 4; do
        for t in 1 3; do
            mpi "$np" "$MAP" double seq.txt -o got.txt --schedule "$sched" --threads "$t" --chunk 7 >/dev/null 2>err.txt
            cmp -s got.txt want.txt
            ok $? "$sched np=$np threads=$t chunk=7: 2000 records in input order"
        done
    done
done
mpi 3 "$MAP" double seq.txt --schedule dynamic --chunk 5 >got.txt 2>/dev/null
cmp -s got.txt want.txt
ok $? "dynamic, 3 ranks, to stdout: input order"
for np in 2 3; do    # cyclic: the ranks write their rounds at different moments, through rank 0
    mpi "$np" "$MAP" double seq.txt --chunk 5 >got.txt 2>/dev/null
    cmp -s got.txt want.txt
    ok $? "cyclic, $np ranks, file to stdout in rounds of 256 bytes a rank: input order"
done

# binary: float64 in and out, compared with the text path and with the formula
perl -e 'srand(7); print pack("d<*", map { rand(400) - 100 } 1..30011)' >in.f64
perl -e 'local $/; my @v = unpack("d<*", <STDIN>); printf("%.17g\n", $_) for @v' <in.f64 >in.txt
mpi 3 "$MAP" celsius --binary in.f64 -o c.f64 --chunk 1000 >/dev/null
mpi 2 "$MAP" celsius in.txt -o c.txt --threads 2 --chunk 100 --format %.17g >/dev/null
perl -e 'local $/; my @v = unpack("d<*", <STDIN>); printf("%.17g\n", $_) for @v' <c.f64 >c_from_bin.txt
[ "$(stat -c %s c.f64)" -eq $((30011 * 8)) ] && cmp -s c.txt c_from_bin.txt
ok $? "binary (3 ranks) and text (2 ranks x 2 threads) paths give the same 30011 results"
perl -e 'local $/; open(A, "<", "in.f64"); my @x = unpack("d<*", <A>); open(B, "<", "c.f64");
         my @y = unpack("d<*", <B>); for my $i (0..$#x) { exit 1 if $y[$i] != ($x[$i] - 32) * (5.0 / 9.0) }'
ok $? "every binary result equals (x - 32) * (5/9) bit for bit"
mpi 4 "$MAP" celsius --binary in.f64 -o d.f64 --schedule dynamic --threads 2 >/dev/null
cmp -s c.f64 d.f64
ok $? "dynamic schedule, 4 ranks x 2 threads: identical binary output"
"$MAP" celsius --binary in.f64 | cmp -s - c.f64
ok $? "--binary to stdout: the same bytes"
perl -e 'print pack("d<*", 2, 10, 3, 2, 10, -1)' >pairs.f64
out=$("$MAP" power --binary pairs.f64 | perl -e 'local $/; print join(" ", unpack("d<*", <STDIN>))')
[ "$out" = "1024 9 0.1" ]
ok $? "power with 2 binary columns: 1024 9 0.1"
# text round trip: results printed with %.17g read back to the same doubles
mpi 2 "$MAP" double c.txt -o c2.txt --format %.17g >/dev/null
mpi 2 "$MAP" celsius --binary in.f64 -o c3.f64 >/dev/null
perl -e 'local $/; my @v = unpack("d<*", <STDIN>); printf("%.17g\n", 2 * $_) for @v' <c3.f64 >c3.txt
cmp -s c2.txt c3.txt
ok $? "text round trip: %.17g output read back is exact"
out=$("$MAP" celsius temps.txt --format '%.2f C' | tr '\n' '|')
[ "$out" = "0.00 C|100.00 C|-40.00 C|37.00 C|" ]
ok $? "--format '%.2f C'"

# bigger than several chunks, from a text file straddling many part boundaries
awk 'BEGIN { for (i = 0; i < 50000; i++) printf("%d, %d%s\n", i, i % 7, (i % 5 == 0 ? "  # five" : "")) }' >big.txt
awk -F', ' '{ split($2, b, " "); printf("%.17g\n", $1 * b[1]) }' big.txt >big_want.txt
mpi 3 "$MAP" product big.txt -o big_got.txt --chunk 64 --threads 2 --format %.17g >/dev/null
cmp -s big_got.txt big_want.txt
ok $? "50000 text records, 3 ranks, chunk 64 (hundreds of rounds): all products in order"

# JSON report
out=$(mpi 2 "$MAP" square seq.txt -o sq.txt --json 2>/dev/null)
[ "$(jfield records <<<"$out")" = 2000 ] && [ "$(jfield transform <<<"$out")" = square ] &&
    [ "$(jfield ranks <<<"$out")" = 2 ] && [ "$(jfield schedule <<<"$out")" = cyclic ]
ok $? "--json: transform, records, ranks, schedule"

# sleep: 8 tasks of 0.2 s on 8 threads overlap (2 cores here)
printf '0.2\n%.0s' 1 2 3 4 5 6 7 8 >delays.txt
t0=$(date +%s.%N)
OMP_NUM_THREADS=8 "$MAP" sleep delays.txt >slept.txt
t1=$(date +%s.%N)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf("%.2f", b - a) }')
[ "$(grep -c '^0.2$' slept.txt)" -eq 8 ] && awk -v e="$el" 'BEGIN { exit !(e < 0.8) }'
ok $? "8 x 0.2 s sleep tasks on 8 threads: ${el} s (serial would be 1.6 s)"

# malformed input: FILE:LINE: reason, exit 2, no output and no temporary files left
awk 'BEGIN { for (i = 1; i <= 3000; i++) print (i == 2345 ? "12,abc" : i) }' >broken.txt
sed 's/^12,abc$/1e200/' broken.txt >late_inf.txt   # a late round's overflow (odd ranks end first)
for np in 1 2 3; do
    rm -f out.txt
    mpi "$np" "$MAP" celsius broken.txt -o out.txt --chunk 16 >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -c "^broken.txt:2345: not a number 'abc' (column 2)$" err.txt)" -eq 1 ] &&
        [ ! -e out.txt ] && [ -z "$(ls -A . | grep '^\.map-\|\.tmp\.')" ]
    ok $? "np=$np: bad line 2345 of 3000 -> exit $rc, 'broken.txt:2345: ...' once, nothing left"
    mpi "$np" "$MAP" square late_inf.txt -o out.txt --chunk 16 >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -c "^late_inf.txt: record 2345: result overflows" err.txt)" -eq 1 ] &&
        [ ! -e out.txt ] && [ -z "$(ls -A . | grep '^\.map-\|\.tmp\.')" ]
    ok $? "np=$np: square 1e200 on line 2345 of 3000 -> exit $rc, 'record 2345' once, nothing left"
done
# one round split over ranks (--chunk 16: 256 bytes, 128 lines a rank): a result that overflows
# on rank 0 and a bad line on rank 1 of the same round: the bad line is said (lines come first),
# and an overflow alone is named by its record number in the whole input
awk 'BEGIN { for (i = 1; i <= 300; i++) print (i == 100 ? "1e200" : (i == 150 ? "abc" : i)) }' >mixed.txt
sed 's/^abc$/150/' mixed.txt >overflow.txt
for np in 1 2; do
    rm -f out.txt
    mpi "$np" "$MAP" square mixed.txt -o out.txt --chunk 16 >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -c "^mixed.txt" err.txt)" -eq 1 ] && ! grep -q "record 100" err.txt &&
        grep -q "^mixed.txt:150: not a number 'abc' (column 1)$" err.txt && [ ! -e out.txt ]
    ok $? "np=$np: overflow at line 100, bad line 150 in one round: the bad line said, exit $rc: $(head -n 1 err.txt)"
    mpi "$np" "$MAP" square overflow.txt -o out.txt --chunk 16 >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && grep -q "^overflow.txt: record 100: result overflows a double (inf)" err.txt &&
        [ "$(grep -c "^overflow.txt" err.txt)" -eq 1 ] && [ ! -e out.txt ]
    ok $? "np=$np: square 1e200 on line 100 -> 'record 100', once, exit $rc"
done
echo "1 2 3" | "$MAP" product >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q '^stdin:1: expected 2 columns, got 3$' err.txt
ok $? "wrong arity on stdin: stdin:1: expected 2 columns, got 3"
printf '0.1\n-5\n' | "$MAP" sleep >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q '^stdin:2: sleep takes 0 to 3600 seconds$' err.txt
ok $? "sleep -5 refused with its line number"
head -c 100 in.f64 >odd.f64
"$MAP" celsius --binary odd.f64 -o o.f64 >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q "odd.f64: size 100 bytes is not a multiple of the record size 8" err.txt && [ ! -e o.f64 ]
ok $? "binary size not a multiple of the record size: exit 2"
perl -e 'print pack("d<*", 0.01, 0.01, -1, 0.01)' >bad.f64
"$MAP" sleep --binary bad.f64 -o o.f64 >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q "bad.f64: record 3: sleep takes 0 to 3600 seconds" err.txt && [ ! -e o.f64 ]
ok $? "binary record 3 out of range for sleep: exit 2, named"
for c in "'nope'|nope	temps.txt" "'missing.txt'|celsius	missing.txt" "'fast'|celsius	temps.txt	--schedule	fast" \
         "'0'|celsius	temps.txt	--chunk	0" "'%d'|celsius	temps.txt	--format	%d" "'--bogus'|celsius	--bogus" \
         "'extra'|celsius	temps.txt	extra"; do
    want=${c%%|*}
    IFS=$'\t' read -r -a args <<<"${c#*|}"
    mpi 2 "$MAP" "${args[@]}" >out.txt 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ "$(grep -c "^map: .*$want" err.txt)" -eq 1 ] && [ ! -s out.txt ]
    ok $? "map ${args[*]}: exit $rc, one message naming $want"
done
"$MAP" double temps.txt --format '%99999999999g' >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q "invalid --format '%99999999999g': width at most 100" err.txt && [ ! -s out.txt ]
ok $? "--format with an absurd width refused before any work"
mpi 2 "$MAP" double temps.txt -o nodir/out.txt >out.txt 2>err.txt
[ $? -eq 2 ] && [ "$(grep -c "cannot write -o 'nodir/out.txt': directory 'nodir'" err.txt)" -eq 1 ] && [ ! -e nodir ]
ok $? "-o into a missing directory: exit 2 naming it, nothing created"
awk 'BEGIN { print 1; s = "#"; while (length(s) < 70000) s = s "xxxxxxxxxx"; print s; print 2 }' >long.txt
for c in 1 65536; do
    "$MAP" double long.txt --chunk $c >out.txt 2>err.txt
    [ $? -eq 2 ] && grep -q '^long.txt:2: line longer than 65536 bytes$' err.txt
    ok $? "a 70000-byte line is refused the same way at --chunk $c"
done
"$MAP" double <long.txt >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q '^stdin:2: line longer than 65536 bytes$' err.txt
ok $? "... and on standard input"
"$MAP" celsius --binary >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q 'needs an INPUT file' err.txt
ok $? "--binary from stdin refused"

# memory stays flat as the input grows (binary, streaming in chunks)
if [ -x /usr/bin/time ]; then
    perl -e 'print pack("d<*", 1..250000)' >m1.f64
    perl -e 'print pack("d<*", 1..2000000)' >m8.f64
    a=$(/usr/bin/time -f %M "$MAP" square --binary m1.f64 -o m1.out 2>&1 >/dev/null | tail -n 1)
    b=$(/usr/bin/time -f %M "$MAP" square --binary m8.f64 -o m8.out 2>&1 >/dev/null | tail -n 1)
    awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 4096) }'
    ok $? "peak memory 2 MB input: ${a} kB, 16 MB input: ${b} kB (flat: < 4 MB apart)"
fi

done_testing
