#!/usr/bin/env bash
# repr.t - map's numbers: 10^6 doubles of every magnitude through double and celsius give exactly Python's repr, read back bit for bit, on every layout; 65536-byte records.
. "$(dirname "$0")/../lib.sh"
MAP=${MAP:-$BIN/map}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
if [ ! -x "$PY" ]; then
    echo "1..0 # SKIP no $PY"
    exit 0
fi

# 10^6 doubles: random bit patterns (every exponent, subnormals), the workshop's temperatures,
# integers, powers of two, and the edge cases; written mostly as repr, some as hex and '+%.25e'
# (both read by strtod); want.*: Python's repr of the same computation as kernels/transforms.c.
"$PY" - <<'EOS'
import random, struct
random.seed(21)
edges = [1e16, 1e15, 1e-05, 1e-04, -0.0, 0.0, 3.0, 0.1, 5e-324, -5e-324, 2.2250738585072014e-308,
         2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308, 9007199254740993.0,
         1e22, 1e23, 123456789012345678.0, 0.3, 100.0, 32.0, 5.0759825553573794, 1.5e-07, 2.0**-1074 * 3]
xs = list(edges)
while len(xs) < 1000000:
    k = len(xs) % 5
    if k == 0 or k == 1:
        x = struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0]
        if x != x or x in (float('inf'), float('-inf')):
            continue
    elif k == 2:
        x = random.uniform(32, 100)
    elif k == 3:
        x = float(random.randint(-10**6, 10**6))
    else:
        x = random.choice([1, -1]) * 2.0 ** random.randint(-1074, 1023)
    xs.append(x)
with open('in.txt', 'w') as f:
    for i, x in enumerate(xs):
        f.write(x.hex() if i % 97 == 5 else ('%+.25e' % x) if i % 89 == 7 else repr(x))
        f.write('\n')
with open('want.double', 'w') as f:
    f.write(''.join(repr(x * 2.0) + '\n' for x in xs))
with open('want.celsius', 'w') as f:
    f.write(''.join(repr((x - 32.0) * (5.0 / 9.0)) + '\n' for x in xs))
with open('want.celsius17', 'w') as f:
    f.write(''.join('%.17g' % ((x - 32.0) * (5.0 / 9.0)) + '\n' for x in xs))
EOS
ok $? "Python wrote 10^6 doubles of every magnitude and the expected results"

for t in double celsius; do
    "$MAP" "$t" in.txt -o got.$t --allow-nonfinite >/dev/null 2>err.txt
    cmp -s got.$t want.$t
    ok $? "map $t, 1 rank: byte for byte Python's repr of 10^6 results $(cmp got.$t want.$t 2>&1 | head -c 80)"
done
"$PY" - <<'EOS'
import struct, sys
bad = 0
for name in ('double', 'celsius'):
    for got, want in zip(open('got.' + name), open('want.' + name)):
        g, w = float(got), float(want)
        if struct.pack('<d', g) != struct.pack('<d', w):
            bad += 1
sys.exit(1 if bad else 0)
EOS
ok $? "every output line reads back (Python float) to the bit-identical double"
"$MAP" celsius in.txt -o got17.txt --format %.17g >/dev/null 2>&1
cmp -s got17.txt want.celsius17
ok $? "--format %.17g: the earlier output, byte for byte Python's '%.17g'"

for c in "2|cyclic|1|0" "2|cyclic|2|777" "3|dynamic|1|0" "2|dynamic|2|5000" "4|cyclic|3|100000"; do
    IFS='|' read -r np sched t chunk <<<"$c"
    opts=(--schedule "$sched" --threads "$t")
    [ "$chunk" != 0 ] && opts+=(--chunk "$chunk")
    mpi "$np" "$MAP" celsius in.txt -o lay.txt --allow-nonfinite "${opts[@]}" >/dev/null 2>err.txt
    cmp -s lay.txt want.celsius
    ok $? "np=$np $sched threads=$t chunk=$chunk: the same 10^6 repr results"
done
# power (not plain arithmetic: its records go to worker i mod W and back) against Python's
# math.pow, which is the same C pow: every layout and schedule
"$PY" - <<'EOS'
import math, random
random.seed(5)
with open('pairs.txt', 'w') as f, open('want.power', 'w') as w:
    for i in range(200000):
        if i % 2:
            x, n = random.uniform(-100, 100), float(random.randint(-3, 3))
        else:
            x, n = random.uniform(0, 50), random.uniform(-4, 4)
        f.write('%r %r\n' % (x, n))
        w.write(repr(math.pow(x, n)) + '\n')
EOS
for c in "1|cyclic|1" "2|cyclic|1" "3|cyclic|2" "2|dynamic|2" "4|cyclic|3"; do
    IFS='|' read -r np sched t <<<"$c"
    mpi "$np" "$MAP" power pairs.txt -o pow.txt --schedule "$sched" --threads "$t" --chunk 999 >/dev/null 2>err.txt
    cmp -s pow.txt want.power
    ok $? "power, np=$np $sched threads=$t: 200000 results, Python's repr of math.pow"
done
head -n 200000 in.txt | mpi 2 "$MAP" double --allow-nonfinite --schedule dynamic --threads 2 >stdin.txt 2>err.txt
cmp -s stdin.txt <(head -n 200000 want.double)
ok $? "standard input to standard output, 2 ranks dynamic: the same results"

# strtod's spellings: '+', hex, underflow to a subnormal or 0; refusals unchanged
printf '+1.5\n0x1.8p3\n-0x1p-1074\n1e-400\n-1e-400\n2.4703282292062328e-324\n  7 # seven\n' >spell.txt
out=$("$MAP" double spell.txt | tr '\n' ' ')
[ "$out" = "3.0 24.0 -1e-323 0.0 -0.0 1e-323 14.0 " ]
ok $? "+1.5, 0x1.8p3, -0x1p-1074, 1e-400, -1e-400, 2.47e-324, 7: $out"
printf '1\n1e400\n' >over.txt
"$MAP" double over.txt >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q "^over.txt:2: out of range for a double '1e400' (column 1)$" err.txt && [ ! -s out.txt ]
ok $? "1e400 still refused: $(cat err.txt)"
printf '1\nnan\n' | "$MAP" double >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q '^stdin:2: not a finite number (nan); --allow-nonfinite accepts it$' err.txt
ok $? "nan still refused without --allow-nonfinite"
out=$(printf 'inf\n-inf\nnan\n-nan\n1e308\n' | "$MAP" double --allow-nonfinite | tr '\n' ' ')
[ "$out" = "inf -inf nan -nan inf " ]
ok $? "with --allow-nonfinite: $out"

# the record limit: 65536 bytes (any columns that fit) at the limit, and one past it
"$PY" - <<'EOS'
one = '0.' + '1' * 65534                         # 65536 bytes, one number
two = '1.5' + ' ' * (65536 - 3 - 4) + '2.25'     # 65536 bytes, two columns
assert len(one) == 65536 and len(two) == 65536
open('limit1.txt', 'w').write(''.join('%d\n' % i for i in range(300)) + one + '\n' + '7\n')
open('limit2.txt', 'w').write('3 4\n' + two + '\n' + '5,6\n')
open('past1.txt', 'w').write(''.join('%d\n' % i for i in range(300)) + one + '1\n' + '7\n')
open('want1.txt', 'w').write(''.join(repr(2.0 * i) + '\n' for i in range(300)) + repr(2 * float(one)) + '\n14.0\n')
EOS
for c in 1 65536; do
    for np in 1 2; do
        mpi "$np" "$MAP" double limit1.txt --chunk $c >out.txt 2>err.txt
        cmp -s out.txt want1.txt
        ok $? "np=$np chunk=$c: a 65536-byte record (one number of 65534 digits) is read"
        rm -f out.txt
        mpi "$np" "$MAP" double past1.txt --chunk $c -o out.txt >/dev/null 2>err.txt
        [ $? -eq 2 ] && [ "$(grep -c '^past1.txt:301: line longer than 65536 bytes$' err.txt)" -eq 1 ] && [ ! -e out.txt ]
        ok $? "np=$np chunk=$c: 65537 bytes: past1.txt:301: line longer than 65536 bytes"
    done
done
out=$("$MAP" product limit2.txt | tr '\n' ' ')
[ "$out" = "12.0 3.375 30.0 " ]
ok $? "a 65536-byte record of 2 columns: $out"
"$MAP" double <limit1.txt | cmp -s - want1.txt
ok $? "... and on standard input"
"$MAP" double <past1.txt >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q '^stdin:301: line longer than 65536 bytes$' err.txt
ok $? "... 65537 bytes on standard input refused"

# memory stays flat for text too, with the most records a round can hold (one-digit lines)
if [ -x /usr/bin/time ]; then
    yes 1 | head -n 1500000 >m1.txt
    yes 1 | head -n 6000000 >m8.txt
    a=$(/usr/bin/time -f %M "$MAP" double m1.txt -o m1.out 2>&1 >/dev/null | tail -n 1)
    b=$(/usr/bin/time -f %M "$MAP" double m8.txt -o m8.out 2>&1 >/dev/null | tail -n 1)
    rm -f rss.txt                # each rank appends its own line (stderr lines may interleave)
    mpi 2 /usr/bin/time -a -o rss.txt -f %M "$MAP" double m8.txt -o m8.out >/dev/null 2>&1
    c=$(sort -n rss.txt | tail -n 1)
    [ "$(grep -c '^2.0$' m8.out)" -eq 6000000 ] && awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { exit !(b - a < 8192 && b < 81920 && c < 81920) }'
    ok $? "peak RSS, text: 3 MB input ${a} kB, 12 MB input ${b} kB, 2 ranks ${c} kB a rank (flat, < 80 MB)"
fi

done_testing
