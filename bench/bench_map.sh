#!/usr/bin/env bash
# bench_map.sh - map beside a plain C copy: binary GB/s, text MB/s per core, cyclic vs dynamic on
# uneven tasks.  Usage: bench/bench_map.sh [RECORDS]  (default 1e8; run by make bench-map)
set -u
MAP=${MAP:-bin/map}
COPY=${COPY:-build/bench/copy_f64}
MPIRUN=${MPIRUN:-mpirun}
N=${1:-100000000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
dir=$(mktemp -d "${BENCH_DIR:-/tmp}/bench_map.XXXXXX")
trap 'rm -rf "$dir"' EXIT
field() { sed -n 's/.*"'"$1"'": "\{0,1\}\([^",}]*\).*/\1/p'; }
best() { sort -g | head -n 1; }

N=$(awk -v n="$N" 'BEGIN { printf("%d", n) }')
echo "1. celsius over $N binary float64 records, file to file ($((N * 8 / 1000000)) MB each way)"
perl -e 'my $n = shift; my $b = pack("d<*", map { $_ * 0.37 - 100 } 0..65535);
         for (my $i = 0; $i < $n; $i += 65536) { print substr($b, 0, 8 * ($n - $i < 65536 ? $n - $i : 65536)) }' \
    "$N" >"$dir/in.f64"
cat "$dir/in.f64" >/dev/null                     # warm the page cache for every contender
copy=$(for r in 1 2 3; do "$COPY" "$dir/in.f64" "$dir/copy.f64" | cut -d' ' -f1; done | best)
printf '   %-30s %8.3f s %7.2f GB/s (read + write)\n' "plain C copy" "$copy" \
    "$(awk -v s="$copy" -v n="$N" 'BEGIN { print 2 * 8 * n / s / 1e9 }')"
for run in "1 cyclic" "2 cyclic" "2 dynamic"; do
    set -- $run
    np=$1
    t=$(for r in 1 2 3; do "$MPIRUN" -np $np "$MAP" celsius --binary "$dir/in.f64" -o "$dir/out.f64" \
        --schedule $2 --chunk 262144 --json | field seconds; done | best)
    printf '   %-30s %8.3f s %7.2f GB/s = %3.0f%% of the copy   target >= 70%%: %s\n' "map celsius, $np rank(s), $2" "$t" \
        "$(awk -v s="$t" -v n="$N" 'BEGIN { print 2 * 8 * n / s / 1e9 }')" \
        "$(awk -v a="$copy" -v b="$t" 'BEGIN { print 100 * a / b }')" \
        "$(awk -v a="$copy" -v b="$t" 'BEGIN { print (a / b >= 0.7 ? "PASS" : "MISS") }')"
done
rm -f "$dir/in.f64" "$dir/out.f64" "$dir/copy.f64"

M=$((N / 20))
echo "2. celsius over $M text records (%.17g out)"
awk -v n="$M" 'BEGIN { for (i = 0; i < n; i++) printf("%.6f\n", i * 0.37 - 100) }' >"$dir/in.txt"
mb=$(awk -v b="$(stat -c %s "$dir/in.txt")" 'BEGIN { print b / 1e6 }')
for np in 1 2; do
    t=$("$MPIRUN" -np $np "$MAP" celsius "$dir/in.txt" -o "$dir/out.txt" --json | field seconds)
    printf '   %-30s %8.3f s %7.1f MB/s of input per core\n' "map celsius, $np rank(s)" "$t" \
        "$(awk -v s="$t" -v m="$mb" -v c=$np 'BEGIN { print m / s / c }')"
done
rm -f "$dir/in.txt" "$dir/out.txt"

echo "3. 16 sleep tasks of uneven cost (even-numbered 0.3 s, odd 0.01 s), 2 ranks"
awk 'BEGIN { for (i = 0; i < 16; i++) print (i % 2 ? 0.01 : 0.3) }' >"$dir/tasks.txt"
for s in cyclic dynamic; do
    t=$("$MPIRUN" -np 2 "$MAP" sleep "$dir/tasks.txt" -o "$dir/slept.txt" --schedule $s --chunk 1 --json | field seconds)
    printf '   %-30s %8.3f s\n' "--schedule $s" "$t"
done
echo "   (cyclic gives rank 0 every 0.3 s task: 2.4 s; dynamic balances to about 1.3 s)"
