#!/usr/bin/env bash
# bench_digits.sh - decimal digits of pi side by side in one run: CLN's `pi` (Debian package pi),
# MPFR, pi bbp --digits and pi chudnovsky on 1 and 2 ranks; wall and CPU seconds, peak RSS, and
# the digits compared by SHA-256.  Usage: bench/bench_digits.sh [N...]  (default 1e6 1e7; with
# DIGITS_1E8=1 also 1e8).  Run by make bench-digits; needs bin/pi, build/bench/mpfr_pi, /usr/bin/time.
set -u
PI=${PI:-bin/pi}
PI_AVX2=${PI_AVX2:-}
MPFR_PI=${MPFR_PI:-build/bench/mpfr_pi}
CLN=${CLN:-/usr/bin/pi}
export MPIRUN=${MPIRUN:-mpirun}           # any MPI's launcher: slurm/mpilaunch speaks its dialect
LAUNCH=$(dirname "$0")/../slurm/mpilaunch
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes=${*:-1e6 1e7}
[ "${DIGITS_1E8:-0}" = 1 ] && [ $# -eq 0 ] && sizes="$sizes 1e8"
[ -x "$CLN" ] && "$CLN" 10 2>/dev/null | grep -q '^3\.14' || CLN=   # another /usr/bin/pi: not CLN

# timed NAME CMD...: run CMD under /usr/bin/time -v; sets wall, cpu (user + sys), rss (MB)
timed() {
    local name=$1
    shift
    /usr/bin/time -v -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$?
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/$name.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$tmp/$name.time")
    rss=$(awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }' "$tmp/$name.time")
    return $rc
}
sha() { sha256sum "$1" | cut -c1-16; }
row() { printf '  %-26s %8.2f %8.2f %7s  %s\n' "$1" "$2" "$3" "$4" "$5"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }  # n/a: no CLN

echo "Decimal digits of pi, one run each, side by side (this machine: $(nproc) cores;"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg): with other work on the cores, CPU seconds"
echo "are the fairer one-core comparison; RSS is the peak of the process, per rank for ours)"
for n in $sizes; do
    N=$(awk -v n="$n" 'BEGIN { printf "%d", n }')
    echo
    echo "N = $n digits                    wall s    CPU s  RSS MB  digits"
    timed mpfr "$MPFR_PI" "$N" "$tmp/mpfr.txt"
    row "MPFR const_pi + get_str" "$wall" "$cpu" "$rss" "sha256 $(sha "$tmp/mpfr.txt")"
    mw=$wall mc=$cpu
    cw=0 cc=0 crss=0
    if [ -n "$CLN" ]; then
        timed cln "$CLN" $((N + 1))
        # CLN prints N+1 significant digits, the last one rounded: compare the first N-1 decimals
        same=no
        cmp -s <(head -c $((N + 1)) "$tmp/cln.out") <(head -c $((N + 1)) "$tmp/mpfr.txt") && same=yes
        row "CLN pi (Chudnovsky)" "$wall" "$cpu" "$rss" "first $((N - 1)) decimals == MPFR's: $same"
        cw=$wall cc=$cpu crss=$rss
    else
        echo "  CLN pi: not installed (apt-get install pi): no CLN column"
    fi
    timed bbp "$PI" bbp --digits "$N" -o "$tmp/bbp.txt"
    row "pi bbp --digits, 1 rank" "$wall" "$cpu" "$rss" "== MPFR: $(cmp -s "$tmp/bbp.txt" "$tmp/mpfr.txt" && echo yes || echo NO)"
    for lay in 1x1 2x1 1x2; do
        np=${lay%x*} t=${lay#*x}
        if [ "$np" = 1 ]; then
            timed "ch$lay" "$PI" chudnovsky --digits "$N" --threads "$t" -o "$tmp/ch.txt" --json
        else
            timed "ch$lay" "$LAUNCH" --oversubscribe -np "$np" "$PI" chudnovsky --digits "$N" \
                --threads "$t" -o "$tmp/ch.txt" --json
        fi
        own=$(sed -n 's/.*"seconds": \([0-9.e+-]*\).*/\1/p' "$tmp/ch$lay.out")
        prss=$(sed -n 's/.*"peak_rss_bytes": \([0-9]*\).*/\1/p' "$tmp/ch$lay.out")
        row "pi chudnovsky, $np x $t" "$wall" "$cpu" "$((${prss:-0} / 1048576))" \
            "== MPFR: $(cmp -s "$tmp/ch.txt" "$tmp/mpfr.txt" && echo yes || echo NO); own timer $own s"
        eval "w$lay=$wall c$lay=$cpu r$lay=$((${prss:-0} / 1048576)) o$lay=$own"
    done
    if [ -n "$PI_AVX2" ]; then
        timed chavx2 "$PI_AVX2" chudnovsky --digits "$N" -o "$tmp/ch.txt"
        row "pi chudnovsky, 1 x 1, AVX2" "$wall" "$cpu" "$rss" "== MPFR: $(cmp -s "$tmp/ch.txt" "$tmp/mpfr.txt" && echo yes || echo NO)"
    fi
    echo "  ratios (>1: chudnovsky faster)   vs CLN wall  vs CLN CPU  vs MPFR CPU"
    printf '    1 rank                          %6s      %6s      %6s   target vs CLN >= 2\n' \
        "$(ratio "$cw" "$w1x1")" "$(ratio "$cc" "$c1x1")" "$(ratio "$mc" "$c1x1")"
    printf '    2 ranks (wall: needs 2 idle cores) %5s      %6s      %6s   target vs CLN >= 3 (wall)\n' \
        "$(ratio "$cw" "$w2x1")" "$(ratio "$cc" "$(awk -v c="$c2x1" 'BEGIN { print c / 2 }')")" \
        "$(ratio "$mc" "$(awk -v c="$c2x1" 'BEGIN { print c / 2 }')")"
    [ -n "$CLN" ] && printf '    peak RSS per rank, 2 ranks: %s MB = %sx CLN'"'"'s %s MB   target <= 1.5x\n' \
        "$r2x1" "$(ratio "$r2x1" "$crss")" "$crss"
done
