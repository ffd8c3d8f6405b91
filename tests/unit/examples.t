#!/usr/bin/env bash
# examples.t - every bin/pi, bin/map and bin/workshop example of the READMEs runs as printed, at small sizes, and exits 0.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
ln -s "$BIN" bin
# the inputs the map examples name
printf '%s\n' 32 212 98.6 -40 >temps.txt
printf '%s\n' '2 3' '4,5' '1.5 2' >pairs.csv
printf '%s\n' '2 10' '3 4' '1.5 2' '10 3' >tasks.txt
printf '%s\n' 0.01 0.02 0.01 0.03 >delays.txt
"$JSON_PY" -c 'import struct, sys; sys.stdout.buffer.write(struct.pack("<64d", *range(64)))' >big.f64

# small CMD: a README example as it will run here: its comment cut, mpirun as $MPIRUN --oversubscribe
# (Hydra: $MPIRUN, which oversubscribes anyway) with at most 2 ranks per application, sizes capped
# (steps and darts 1e6, --hex-at 1e5, --digits 1000).
small() {
    local launcher="$MPIRUN --oversubscribe"
    [ "$MPI_FLAVOR" = openmpi ] || launcher=$MPIRUN
    "$JSON_PY" - "$1" "$launcher" <<'EOF'
import re, sys
cmd, mpirun = re.sub(r"\s+#.*$", "", sys.argv[1]).strip(), sys.argv[2]
def cap(limit):
    return lambda m: m.group(1) + (m.group(2) if float(m.group(2)) <= limit else "%g" % limit)
cmd = re.sub(r"(-np )(\d+)", lambda m: m.group(1) + str(min(int(m.group(2)), 2)), cmd)
cmd = re.sub(r"((?:^|\s)(?:-n|--steps|--samples) )([0-9.e]+)", cap(1e6), cmd)
cmd = re.sub(r"(--hex-at )([0-9.e]+)", cap(1e5), cmd)
cmd = re.sub(r"(--digits )([0-9.e]+)", cap(1000), cmd)
print(re.sub(r"(^|\s)mpirun ", r"\1" + mpirun + " ", cmd))
EOF
}

# the examples, each once: the lines of every README's ```sh blocks that run a program (comments
# cut), and the `...` spans of its prose that do (`bin/pi layout`; not a bare name, not [optional])
examples=$(cat "$TOP"/README.md "$TOP"/*/README.md "$TOP"/*/*/README.md | "$JSON_PY" -c '
import re, sys
text = sys.stdin.read()
for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if re.search(r"(^|[ ;])bin/(pi|map|workshop)( |$)", line):
            print(line)
prose = re.sub(r"```.*?```", "", text, flags=re.S).replace("\n", " ")
for span in re.findall(r"`((?:[A-Z_]+=\S+ )*(?:mpirun [^`]*?)?bin/(?:pi|map|workshop) [^`\[]+)`", prose):
    print(span.strip())' | sort -u)
[ "$(grep -c . <<<"$examples")" -ge 40 ]
ok $? "found $(grep -c . <<<"$examples") example lines that run bin/pi, bin/map or bin/workshop"
while IFS= read -r line; do
    # Open MPI's own mpirun options, printed as the README's Open MPI examples: not Hydra's
    if [ "$MPI_FLAVOR" != openmpi ] && grep -qE -- '(--map-by|--bind-to|--oversubscribe| -x )' <<<"$line"; then
        echo "ok $((tap_n += 1)) # SKIP $MPIRUN is Hydra ($MPI_FLAVOR): an Open MPI mpirun example: $line"
        continue
    fi
    run=$(small "$line")
    timeout 120 bash -c "set -e; $run" </dev/null >out 2>err
    rc=$?
    [ $rc -eq 0 ] && [ -s out ]
    ok $? "runs: $line"
    [ $rc -eq 0 ] || { diag "as run: $run (exit $rc)"; head -n 5 err | sed 's/^/#   /'; }
done <<<"$examples"
[ -s pi.txt ] && [ "$(head -c 12 pi.txt)" = 3.1415926535 ] && [ -s celsius.txt ] && [ -s big_c.f64 ]
ok $? "their output files are there: pi.txt (3.1415926535...), celsius.txt, big_c.f64"
done_testing
