#!/usr/bin/env bash
# vectorize.t - gcc vectorizes the fast midpoint loop for AVX2 (and the reference stays scalar by design).
. "$(dirname "$0")/../lib.sh"

src=$TOP/kernels/midpoint.c
CC=${CC:-cc}
# line of the fast kernel's inner loop: the `for (int j` just above `s += term_bits`
line=$(awk '/for \(int j = 0; j < m; j\+\+\)/ { l = NR } /s \+= term_bits/ { print l; exit }' "$src")
[ -n "$line" ]
ok $? "found the fast kernel's inner loop (line $line)"
for arch in "-mavx2 -mfma" "-march=x86-64-v3"; do
    report=$("$CC" -std=c11 -D_XOPEN_SOURCE=700 -O3 $arch -fopenmp -ffp-contract=off -I"$TOP/kernels" \
        -fopt-info-vec-optimized -c "$src" -o /dev/null 2>&1)
    grep -q "midpoint.c:$line:[0-9]*: optimized: loop vectorized using 32 byte vectors" <<<"$report"
    ok $? "$arch: fast inner loop vectorized with 32-byte (AVX2) vectors"
done
done_testing
