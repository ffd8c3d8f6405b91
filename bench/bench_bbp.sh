#!/usr/bin/env bash
# bench_bbp.sh - pi bbp side by side with its baselines: Bailey's double-precision program and the
# workshop's Decimal code.  Usage: bench/bench_bbp.sh   (run by make bench-bbp; needs bin/pi, python3)
set -u
PI=${PI:-bin/pi}
BAILEY=${BAILEY:-build/bench/bailey_bbp}
MPIRUN=${MPIRUN:-mpirun}
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
out=$("$MPIRUN" --oversubscribe -np 2 "$PI" bbp --hex-at 1e8 --json)
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
out=$("$MPIRUN" --oversubscribe -np 2 "$PI" bbp --digits 100000 --json)
t=$(field seconds <<<"$out")
printf '   pi bbp      %8.3f s  sha256 %s   target <= 5 s: %s\n' "$t" "$(field sha256 <<<"$out")" \
    "$(awk -v t="$t" 'BEGIN { print (t <= 5 ? "PASS" : "MISS") }')"
