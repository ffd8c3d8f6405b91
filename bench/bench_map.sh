#!/usr/bin/env bash
# bench_map.sh - map beside its baselines in one run: text (libc loop, the workshop's Python, map on 1 and 2
# ranks), binary (a plain copy, map on 1 and 2 ranks), cyclic vs dynamic on uneven tasks; CPU and peak RSS per rank.
# Usage: bench/bench_map.sh [LINES [RECORDS]]  (default 5e6 text lines, 2e7 binary records; make bench-map)
set -u
MAP=${MAP:-bin/map}
COPY=${COPY:-build/bench/copy_f64}
LIBC_MAP=${LIBC_MAP:-build/bench/libc_map}
MPIRUN=${MPIRUN:-mpirun}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
L=$(awk -v n="${1:-5e6}" 'BEGIN { printf("%d", n) }')
N=$(awk -v n="${2:-2e7}" 'BEGIN { printf("%d", n) }')
REPEAT=${REPEAT:-3}
TURNS=${TURNS:-9}      # the libc loop and map's text rows, in turn: short runs, so more of them
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
dir=$(mktemp -d "${BENCH_DIR:-/tmp}/bench_map.XXXXXX")
trap 'rm -rf "$dir"' EXIT
field() { sed -n 's/.*"'"$1"'": "\{0,1\}\([^",}]*\).*/\1/p'; }
best() { sort -g | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf("%.2f", a / b) }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "PASS" : "MISS") }'; }

# run_map NP ARGS...: best of REPEAT map runs (--json seconds); sets t (s), cpu (user+sys of
# all ranks, s) and rss (the largest rank's peak RSS, MB) of the best run
run_map() {
    local np=$1 r s line
    shift
    t=""
    for r in $(seq "$REPEAT"); do
        sync                            # no run pays for the dirty pages of the one before
        rm -f "$dir/time.txt"           # each rank appends its line (not through mpirun's stderr,
        s=$("$MPIRUN" -np "$np" /usr/bin/time -a -o "$dir/time.txt" -f 'rank-time %U %S %M' \
            "$MAP" "$@" --json 2>"$dir/err.txt" | field seconds)   # which can lose a last line)
        if [ -z "$s" ]; then echo "   map $* failed: $(head -n 2 "$dir/err.txt")"; return 1; fi
        if [ -z "$t" ] || awk -v a="$s" -v b="$t" 'BEGIN { exit !(a < b) }'; then
            t=$s
            cpu=$(awk '/^rank-time/ { c += $2 + $3 } END { printf("%.2f", c) }' "$dir/time.txt")
            rss=$(awk '/^rank-time/ { if ($4 > m) m = $4 } END { printf("%.1f", m / 1024) }' "$dir/time.txt")
        fi
    done
}
# run_cmd CMD...: best of REPEAT (the command prints its seconds); sets t and cpu like run_map
run_cmd() {
    local r s
    t=""
    for r in $(seq "$REPEAT"); do
        sync                            # as in run_map
        s=$(/usr/bin/time -f 'rank-time %U %S %M' "$@" 2>"$dir/time.txt" | tail -n 1 | cut -d' ' -f1)
        if [ -z "$t" ] || awk -v a="$s" -v b="$t" 'BEGIN { exit !(a < b) }'; then
            t=$s
            cpu=$(awk '/^rank-time/ { printf("%.2f", $2 + $3) }' "$dir/time.txt")
            rss=$(awk '/^rank-time/ { printf("%.1f", $4 / 1024) }' "$dir/time.txt")
        fi
    done
}
row() { # NAME SECONDS MB CORES CPU RSS [NOTE]
    printf '   %-34s %7.3f s %7.1f MB/s %7.1f MB/s/core  cpu %6.2f s  rss %6.1f MB  %s\n' "$1" "$2" \
        "$(awk -v m="$3" -v s="$2" 'BEGIN { print m / s }')" \
        "$(awk -v m="$3" -v s="$2" -v c="$4" 'BEGIN { print m / s / c }')" "$5" "$6" "${7:-}"
}

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (rates are wall-clock: a loaded"
echo "machine lowers them; CPU seconds say what the work itself costs); best of $REPEAT runs"
echo "(the libc loop and map's text rows: best of $TURNS, run in turn)"
echo
echo "1. celsius over $L temperatures written by Python repr(random.uniform(32, 100)), text file to file"
if ! command -v "$PYTHON" >/dev/null; then
    echo "   ($PYTHON missing: the input is written by awk and there is no workshop Python row)"
    awk -v n="$L" 'BEGIN { srand(1); for (i = 0; i < n; i++) printf("%.16g\n", 32 + 68 * rand()) }' >"$dir/in.txt"
else
    "$PYTHON" -c 'import random, sys
random.seed(21)
sys.stdout.writelines(repr(random.uniform(32, 100)) + "\n" for _ in range(int(sys.argv[1])))' "$L" >"$dir/in.txt"
fi
mb=$(awk -v b="$(stat -c %s "$dir/in.txt")" 'BEGIN { print b / 1e6 }')
cat "$dir/in.txt" >/dev/null                    # warm the page cache for every contender
if command -v "$PYTHON" >/dev/null; then
    run_cmd "$PYTHON" "$here/workshop_map.py" "$dir/in.txt" "$dir/py.txt"
    py_row=("$t" "$cpu" "$rss")
fi
# the libc loop, 1 rank and 2 ranks in turn (libc 1 2 libc 1 2 ...), best of TURNS each: a
# drift of the machine's speed falls on every side of their ratios
for r in $(seq "$TURNS"); do
    REPEAT=1 run_cmd "$LIBC_MAP" "$dir/in.txt" "$dir/libc.txt"
    if [ -z "${libc:-}" ] || awk -v a="$t" -v b="$libc" 'BEGIN { exit !(a < b) }'; then
        libc=$t libc_cpu=$cpu libc_rss=$rss
    fi
    all_libc="${all_libc:-} $t"
    for np in 1 2; do
        REPEAT=1 run_map "$np" celsius "$dir/in.txt" -o "$dir/out$np.txt" || continue
        eval "all_$np=\"\${all_$np:-} \$t\""
        eval "bt=\${t_$np:-}"
        if [ -z "$bt" ] || awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a < b) }'; then
            eval "t_$np=\$t cpu_$np=\$cpu rss_$np=\$rss"
        fi
    done
done
row "libc loop (strtod + %.17g)" "$libc" "$mb" 1 "$libc_cpu" "$libc_rss" "(map's speed before issue 21)"
[ -n "${py_row:-}" ] && row "workshop Python (float + repr)" "${py_row[0]}" "$mb" 1 "${py_row[1]}" "${py_row[2]}"
if [ -n "${t_1:-}" ]; then
    row "map celsius, 1 rank" "$t_1" "$mb" 1 "$cpu_1" "$rss_1" \
        "$(ratio "$libc" "$t_1")x libc: target >= 5x and >= 150 MB/s/core: $(verdict "$(ratio "$libc" "$t_1")" 5)/$(verdict "$(awk -v m="$mb" -v s="$t_1" 'BEGIN { print m / s }')" 150)"
fi
if [ -n "${t_1:-}" ] && [ -n "${t_2:-}" ]; then
    row "map celsius, 2 ranks" "$t_2" "$mb" 2 "$cpu_2" "$rss_2" \
        "$(ratio "$t_1" "$t_2")x 1 rank: target >= 1.8x: $(verdict "$(ratio "$t_1" "$t_2")" 1.8); rss target <= 80 MB: $(verdict 80 "$rss_2")"
fi
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
if [ -n "${all_1:-}" ] && [ -n "${all_2:-}" ]; then
    m0=$(echo "$all_libc" | median); m1=$(echo "$all_1" | median); m2=$(echo "$all_2" | median)
    printf '   medians of the %d turns: libc %.3f s, 1 rank %.3f s (%sx libc), 2 ranks %.3f s (%sx 1 rank); the targets use the best\n' \
        "$TURNS" "$m0" "$m1" "$(ratio "$m0" "$m1")" "$m2" "$(ratio "$m1" "$m2")"
fi
if [ -e "$dir/py.txt" ]; then
    cmp -s "$dir/out1.txt" "$dir/py.txt" && cmp -s "$dir/out2.txt" "$dir/py.txt" &&
        echo "   map's output (1 and 2 ranks) is byte for byte the workshop Python's" ||
        echo "   MISMATCH: map's output differs from the workshop Python's"
fi
rm -f "$dir"/*.txt

echo
echo "2. celsius over $N binary float64 records, file to file ($((N * 8 / 1000000)) MB each way, synced to disk)"
perl -e 'my $n = shift; my $b = pack("d<*", map { $_ * 0.37 - 100 } 0..65535);
         for (my $i = 0; $i < $n; $i += 65536) { print substr($b, 0, 8 * ($n - $i < 65536 ? $n - $i : 65536)) }' \
    "$N" >"$dir/in.f64"
mb=$((N * 16 / 1000000))
cat "$dir/in.f64" >/dev/null
run_cmd "$COPY" "$dir/in.f64" "$dir/copy.f64"; copy=$t
row "plain C copy (read + write + fsync)" "$t" "$mb" 1 "$cpu" "$rss"
for run in "1 cyclic" "2 cyclic" "2 dynamic"; do
    set -- $run
    run_map "$1" celsius --binary "$dir/in.f64" -o "$dir/out.f64" --schedule "$2" || continue
    [ "$1" = 1 ] && b1=$t
    note="$(ratio "$copy" "$t")x the copy: target >= 0.9: $(verdict "$(ratio "$copy" "$t")" 0.9)"
    [ "$1" = 2 ] && note="$note; $(ratio "$b1" "$t")x 1 rank: target >= 1: $(verdict "$(ratio "$b1" "$t")" 1)"
    [ "$2" = dynamic ] && note="$(ratio "$copy" "$t")x the copy, $(ratio "$b1" "$t")x 1 rank (no target: every record passes rank 0's window)"
    row "map celsius --binary, $1 rank(s), $2" "$t" "$mb" "$1" "$cpu" "$rss" "$note"
done
rm -f "$dir"/*.f64

echo
echo "3. 16 sleep tasks of uneven cost (even-numbered 0.3 s, odd 0.01 s), 2 ranks"
awk 'BEGIN { for (i = 0; i < 16; i++) print (i % 2 ? 0.01 : 0.3) }' >"$dir/tasks.txt"
for s in cyclic dynamic; do
    t=$("$MPIRUN" -np 2 "$MAP" sleep "$dir/tasks.txt" -o "$dir/slept.txt" --schedule $s --chunk 1 --json | field seconds)
    printf '   %-34s %7.3f s\n' "--schedule $s" "$t"
done
echo "   (cyclic gives rank 0 every 0.3 s task: 2.4 s; dynamic balances to about 1.3 s)"
