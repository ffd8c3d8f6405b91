#!/usr/bin/env bash
# bench_bbp.sh - pi bbp side by side with its baselines: Bailey's double-precision program and the
# workshop's Decimal code.  Usage: bench/bench_bbp.sh   (run by make bench-bbp; needs bin/pi, python3)
set -u
PI=${PI:-bin/pi}
BAILEY=${BAILEY:-build/bench/bailey_bbp}
export MPIRUN=${MPIRUN:-mpirun}           # any MPI's launcher: slurm/mpilaunch speaks its dialect
LAUNCH=$(dirname "$0")/../slurm/mpilaunch
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
field() { sed -n 's/.*"'"$1"'": "\{0,1\}\([^",}]*\).*/\1/p'; }
now() { date +%s.%N; }

echo "1. hex digits at position 1e7, one core"
out=$("$PI" bbp --hex-at 1e7 --repeat 3 --json)
ours=$(field seconds <<<"$out"); hex=$(field hex <<<"$out")
t0=$(now); bailey=$("$BAILEY" 1e7); t1=$(now)
bt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
printf '   pi bbp      %8.3f s  %s (%s guaranteed)   target <= 2 s: %s\n' "$ours" "$hex" \
    "$(field hex_digits_guaranteed <<<"$out")" "$(awk -v t="$ours" 'BEGIN { print (t <= 2 ? "PASS" : "MISS") }')"
same=0
while [ $same -lt 14 ] && [ "${bailey:$same:1}" = "${hex:$same:1}" ]; do same=$((same + 1)); done
printf '   Bailey      %8.3f s  %s (first %d digits right)\n' "$bt" "$bailey" "$same"
printf '   speed-up    %8.1fx\n' "$(awk -v a="$bt" -v b="$ours" 'BEGIN { print a / b }')"

echo "2. hex digits at position 1e8, 2 ranks"
out=$("$LAUNCH" --oversubscribe -np 2 "$PI" bbp --hex-at 1e8 --json)
t=$(field seconds <<<"$out")
printf '   pi bbp      %8.3f s  %s   target <= 20 s: %s\n' "$t" "$(field hex <<<"$out")" \
    "$(awk -v t="$t" 'BEGIN { print (t <= 20 ? "PASS" : "MISS") }')"

echo "3. 10^4 decimal digits, one core, against the workshop's Decimal code"
out=$("$PI" bbp --digits 10000 --repeat 3 --json)
ours=$(field seconds <<<"$out")
if py=$(python3 bench/workshop_bbp.py 10000 2>/dev/null); then
    pt=${py%% *}
    printf '   pi bbp      %8.4f s  ...%s\n' "$ours" "$(field last_50 <<<"$out" | tail -c 21)"
    printf '   workshop    %8.3f s  ...%s (Decimal, last digits unreliable)\n' "$pt" "${py#* }"
    printf '   speed-up    %8.0fx   target >= 300x: %s\n' "$(awk -v a="$pt" -v b="$ours" 'BEGIN { print a / b }')" \
        "$(awk -v a="$pt" -v b="$ours" 'BEGIN { print (a / b >= 300 ? "PASS" : "MISS") }')"
else
    echo "   (python3 missing: no workshop baseline)"
fi

echo "4. 10^5 decimal digits, 2 ranks"
out=$("$LAUNCH" --oversubscribe -np 2 "$PI" bbp --digits 100000 --json)
t=$(field seconds <<<"$out")
printf '   pi bbp      %8.3f s  sha256 %s   target <= 5 s: %s\n' "$t" "$(field sha256 <<<"$out")" \
    "$(awk -v t="$t" 'BEGIN { print (t <= 5 ? "PASS" : "MISS") }')"

# ---- decimal digits against the reference library --------------------------------------------
# MPFR's mpfr_const_pi on one core, then mpfr_get_str: the same N-digit string pi bbp prints.
# pi bbp's seconds are its own timed run (sum, reduction and the decimal string; not MPI start-up).
MPFR_PI=${MPFR_PI:-build/bench/mpfr_pi}
PI_AVX2=${PI_AVX2:-}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" -v dir="${3:-le}" 'BEGIN { ok = dir == "le" ? r <= t : r >= t; print ok ? "PASS" : "MISS" }'; }

# decimal N TARGET: MPFR, then pi bbp on 2 cores (2 ranks, and 1 rank x 2 threads)
decimal() {
    local N=$1 target=$2 m mt mstr mrss mtail out t rss tail
    m=$("$MPFR_PI" "$N") || { echo "   mpfr_pi failed"; return 1; }
    read -r mt mstr mrss mtail <<<"$m"
    printf '   MPFR 1 core   %8.3f s  (mpfr_const_pi %.3f s + mpfr_get_str %.3f s), peak RSS %5.0f MiB  ...%s\n' \
        "$(awk -v a="$mt" -v b="$mstr" 'BEGIN { print a + b }')" "$mt" "$mstr" "$(awk -v r="$mrss" 'BEGIN { print r / 1048576 }')" "$mtail"
    MT=$(awk -v a="$mt" -v b="$mstr" 'BEGIN { print a + b }') MRSS=$mrss MCONST=$mt
    for layout in "2 1" "1 2"; do
        set -- $layout
        out=$("$LAUNCH" --oversubscribe --bind none -np "$1" "$PI" bbp --digits "$N" --threads "$2" --repeat "${REPEAT:-2}" --json)
        t=$(field seconds <<<"$out"); rss=$(field peak_rss_bytes <<<"$out"); tail=$(field last_50 <<<"$out")
        [ "${tail: -10}" = "$mtail" ] || echo "   DIGITS DIFFER from MPFR's: ...${tail: -10}"
        printf '   pi bbp %sx%s    %8.3f s  (%s blocks), peak RSS %5.0f MiB per rank   %.2fx MPFR (%.2fx const_pi alone)  target <= %sx: %s\n' \
            "$1" "$2" "$t" "$(field blocks <<<"$out")" "$(awk -v r="$rss" 'BEGIN { print r / 1048576 }')" \
            "$(ratio "$t" "$MT")" "$(ratio "$t" "$mt")" "$target" "$(verdict "$(ratio "$t" "$MT")" "$target")"
        [ "$1" = 2 ] && T2=$t RSS2=$rss
    done
}

echo "5. 10^6 decimal digits: pi bbp (blocked binary splitting) on 2 cores vs MPFR on one"
decimal 1000000 1.25
if [ -n "$PI_AVX2" ] && [ -x "$PI_AVX2" ]; then
    out=$("$LAUNCH" --oversubscribe -np 2 "$PI_AVX2" bbp --digits 1000000 --repeat "${REPEAT:-2}" --json)
    t=$(field seconds <<<"$out")
    printf '   AVX2-only 2x1 %8.3f s   %.2fx MPFR (the time is GMP'"'"'s, which picks its own code at run time)\n' \
        "$t" "$(ratio "$t" "$MT")"
fi

echo "6. 10^7 decimal digits: time, memory and two-core efficiency"
decimal 10000000 1.5
printf '   peak RSS per rank %.2fx MPFR'"'"'s   target <= 3x: %s\n' "$(ratio "$RSS2" "$MRSS")" \
    "$(verdict "$(ratio "$RSS2" "$MRSS")" 3)"
out=$("$PI" bbp --digits 10000000 --json)
t1=$(field seconds <<<"$out")
eff=$(awk -v a="$t1" -v b="$T2" 'BEGIN { printf "%.0f", 100 * a / (2 * b) }')
printf '   1 core %8.3f s, 2 ranks %8.3f s: efficiency %s%%   target >= 85%%: %s\n' "$t1" "$T2" "$eff" \
    "$(verdict "$eff" 85 ge)"

if [ "${BBP_BENCH_1E8:-0}" = 1 ]; then
    echo "7. 10^8 decimal digits on 2 ranks (BBP_BENCH_1E8=1)"
    out=$("$LAUNCH" --oversubscribe -np 2 "$PI" bbp --digits 100000000 --json)
    printf '   pi bbp 2x1   %8.1f s, peak RSS %.0f MiB per rank, %s blocks\n' "$(field seconds <<<"$out")" \
        "$(awk -v r="$(field peak_rss_bytes <<<"$out")" 'BEGIN { print r / 1048576 }')" "$(field blocks <<<"$out")"
fi
