#!/usr/bin/env bash
# paths.t - outputs that are devices, FIFOs or symlinks; unique temporaries; streamed inputs; long paths; SIGPIPE; MPMD launches; PI_CHECK_SCALE.
. "$(dirname "$0")/../lib.sh"
MAP=${MAP:-$BIN/map}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export TMPDIR="$tmp/tmpdir"     # where map's temporaries for standard output go
mkdir -p "$TMPDIR"
temps() { ls -A "$1" | grep -E '^\.map-|\.tmp\.'; }
seq 1 1000 >in.txt
seq 2 2 2000 | sed 's/$/.0/' >want.txt      # map writes Python's repr: 2.0 4.0 ...

# ---- outputs that are not plain files: written in place, never replaced --------------------
if [ "$(id -u)" = 0 ]; then
    mknod nulldev c 1 3
    mpi 2 "$MAP" double in.txt -o nulldev >/dev/null 2>err.txt
    rc1=$?
    "$PI" bbp --digits 50 -o nulldev >/dev/null 2>>err.txt
    rc2=$?
    [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -c nulldev ] && [ "$(stat -c %t:%T nulldev)" = 1:3 ] && [ -z "$(temps .)" ]
    ok $? "-o a character device (mknod c 1 3): map and pi bbp write into it, it stays the device"
else
    echo "ok $((tap_n += 1)) # SKIP not root: cannot mknod"
fi
mkfifo fifo
cat fifo >from_fifo.txt &
reader=$!
mpi 2 "$MAP" double in.txt -o fifo >/dev/null 2>err.txt
rc=$?
wait $reader
[ $rc -eq 0 ] && [ -p fifo ] && cmp -s from_fifo.txt want.txt
ok $? "-o a FIFO: the results stream through it in order (exit $rc), it stays a FIFO"
cat fifo >from_fifo.txt &
reader=$!
"$PI" bbp --digits 30 -o fifo >/dev/null 2>err.txt
wait $reader
[ "$(cat from_fifo.txt)" = 3.141592653589793238462643383279 ] && [ -p fifo ]
ok $? "pi bbp --digits -o FIFO: 3. + 30 digits through it"
echo "old" >target.txt
ln -s target.txt link.txt
mpi 2 "$MAP" double in.txt -o link.txt >/dev/null 2>err.txt
[ $? -eq 0 ] && [ -L link.txt ] && [ "$(readlink link.txt)" = target.txt ] && cmp -s target.txt want.txt && [ -z "$(temps .)" ]
ok $? "-o a symlink: followed, the target replaced, the link kept"
mkdir -p sub && ln -s sub/dangling.txt dangling.txt
"$PI" bbp --digits 10 -o dangling.txt >/dev/null 2>err.txt
[ $? -eq 0 ] && [ -L dangling.txt ] && [ "$(cat sub/dangling.txt)" = 3.1415926535 ]
ok $? "-o a dangling symlink: its target is created, the link kept"
mkdir adir
mpi 2 "$MAP" double in.txt -o adir >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c "cannot write -o 'adir': Is a directory" err.txt)" -eq 1 ]
ok $? "-o a directory: exit $rc, one line"

# ---- unique temporaries: two runs into one directory at once never mix ----------------------
seq 1 300000 >a.txt
seq 300001 600000 >b.txt
mpi 2 "$MAP" double a.txt -o same.txt --chunk 1000 >/dev/null 2>erra.txt &
pa=$!
mpi 2 "$MAP" triple b.txt -o same.txt >/dev/null 2>&1    # a usage error: its own temporaries only
mpi 2 "$MAP" double b.txt -o same.txt --chunk 1000 >/dev/null 2>errb.txt &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
"$MAP" double a.txt >wa.txt
"$MAP" double b.txt >wb.txt
[ $ra -eq 0 ] && [ $rb -eq 0 ] && { cmp -s same.txt wa.txt || cmp -s same.txt wb.txt; } && [ -z "$(temps .)" ]
ok $? "two runs to one -o at once: both exit 0, the file is one run's whole output, no temporary left"

# ---- inputs that cannot be split: streamed by rank 0 ----------------------------------------
out=$(seq 1 5 | mpi 2 "$MAP" double /dev/stdin --format %.17g | tr '\n' ' ')
[ "$out" = "2 4 6 8 10 " ]
ok $? "/dev/stdin under mpirun -np 2: streamed, in order: $out"
out=$("$MAP" double <(seq 1 4) --format %.17g | tr '\n' ' ')
[ "$out" = "2 4 6 8 " ]
ok $? "<(seq 1 4): streamed: $out"
seq 1 3 >fifo &
out=$(mpi 2 "$MAP" double fifo --format %.17g | tr '\n' ' ')
[ "$out" = "2 4 6 " ]
ok $? "a FIFO as input under mpirun -np 2: streamed: $out"
printf '4\n' >"$tmp/four.txt"
out=$("$MAP" double /proc/self/fd/0 --format %.17g <four.txt)
"$MAP" double /proc/self/mounts >/dev/null 2>err.txt
rc=$?
[ "$out" = 8 ] && [ $rc -eq 2 ] && grep -q '^/proc/self/mounts:1: ' err.txt
ok $? "/proc files (size 0) are read, not taken as empty: $out; /proc/self/mounts:1 is not a number (exit $rc)"
"$MAP" celsius --binary <(seq 3) >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "^map: --binary INPUT must be a regular file" err.txt
ok $? "--binary from a pipe: refused, exit $rc"

# ---- long paths: 250-character names (Open MPI's sharedfp limit) and a 3400-character -o ---
d="$tmp/$(printf 'd%.0s' $(seq 200))"
mkdir -p "$d"
f="$d/$(printf 'i%.0s' $(seq 44)).txt"
cp in.txt "$f"
mpi 2 "$MAP" double "$f" -o "$d/$(printf 'o%.0s' $(seq 44)).txt" >/dev/null 2>err.txt
rc=$?
[ $rc -eq 0 ] && cmp -s "$d/$(printf 'o%.0s' $(seq 44)).txt" want.txt && ! grep -q 'Abort\|signal 6' err.txt
ok $? "input and output paths of ${#f} characters, 2 ranks: exit $rc, right results"
perl -e 'print pack("d<*", 1..100)' >"$d/b.f64"
mpi 2 "$MAP" double --binary "$d/b.f64" -o "$d/$(printf 'b%.0s' $(seq 44)).f64" >/dev/null 2>err.txt
ok $? "binary with the same long paths: exit $?"
long="$tmp"
for _ in $(seq 13); do long="$long/$(printf 'x%.0s' $(seq 250))"; done
mkdir -p "$long"
o="$long/out.txt"
mpi 2 "$MAP" double in.txt -o "$o" >/dev/null 2>err.txt
rc=$?
"$PI" bbp --digits 20 -o "$o.pi" >/dev/null 2>>err.txt
[ $rc -eq 0 ] && [ $? -eq 0 ] && cmp -s "$o" want.txt && [ "$(cat "$o.pi")" = 3.14159265358979323846 ]
ok $? "a ${#o}-character -o: map and pi bbp write it"
rm -rf "$tmp/xxxx"*

# ---- SIGPIPE: every temporary goes, alone and under mpirun -----------------------------------
seq 1 3000000 >big.txt
"$MAP" celsius big.txt | head -n 1 >/dev/null
sleep 0.5
[ -z "$(temps "$TMPDIR")" ]
ok $? "map big.txt | head -1: no temporary left in \$TMPDIR"
mpi 2 "$MAP" celsius big.txt 2>/dev/null | head -n 1 >/dev/null
sleep 1
# (Hydra SIGKILLs the other ranks on SIGPIPE: slurm/mpilaunch removes what they listed)
[ -z "$(temps "$TMPDIR")" ] && ! pgrep -f "$MAP celsius big.txt" >/dev/null
ok $? "mpirun -np 2 map big.txt | head -1: no temporary left on any rank, no process left"
rm -f big.txt

# ---- MPMD launches of different commands: refused on every rank, no hang --------------------
mpmd() { timeout 60 "$MPILAUNCH" --oversubscribe -np 1 "$@"; }
for c in "pi|midpoint	-n	1.5|midpoint	-n	1e3" "pi|midpoint	-n	1e4|midpoint	-n	1e3" \
         "pi|midpoint	-n	1e4|montecarlo	-n	1e4" "map|double	in.txt|square	in.txt"; do
    IFS='|' read -r prog a b <<<"$c"
    IFS=$'\t' read -r -a A <<<"$a"
    IFS=$'\t' read -r -a B <<<"$b"
    bin=$PI; [ "$prog" = map ] && bin=$MAP
    t0=$SECONDS
    mpmd "$bin" "${A[@]}" : -np 1 "$bin" "${B[@]}" >out.txt 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ $((SECONDS - t0)) -le 20 ] && [ "$(grep -c "^$prog" err.txt)" -eq 1 ] && [ ! -s out.txt ]
    ok $? "mpirun $prog ${A[*]} : $prog ${B[*]}: exit $rc, one line: $(grep "^$prog" err.txt)"
done

# ---- PI_CHECK_SCALE: refused unless a finite factor >= 0 ---------------------------------
for v in abc -1 nan inf 1e400 0x; do
    PI_CHECK_SCALE=$v "$PI" midpoint -n 1e3 >out.txt 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -qF "invalid PI_CHECK_SCALE '$v'" err.txt && [ ! -s out.txt ]
    ok $? "PI_CHECK_SCALE=$v: exit $rc, $(cat err.txt)"
done
PI_CHECK_SCALE=2.5 "$PI" midpoint -n 1e3 >/dev/null && PI_CHECK_SCALE= "$PI" midpoint -n 1e3 >/dev/null
ok $? "PI_CHECK_SCALE=2.5 and empty (the default): accepted"
done_testing
