# lib.sh - shared helpers for the shell tests: TAP output, mpirun wrapper, JSON field reader.
# Sourced by tests/*.t; BUILD (default build) and MPIRUN (default mpirun) come from make.

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Keep Open MPI quiet about missing high-speed networks on laptops and CI.
export OMPI_MCA_btl_base_warn_component_unused=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
# BIN: the programs under test (make check passes its own; a second build is tested with BIN=...)
BIN=${BIN:-$TOP/bin}
case $BIN in /*) ;; *) BIN=$TOP/$BIN ;; esac
PI=${PI:-$BIN/pi}
# MPIRUN: the launcher (Open MPI's mpirun, MPICH's mpiexec.mpich, ...); slurm/mpilaunch, the one
# place that knows its dialect, turns neutral options into its own; MPI_FLAVOR (openmpi, mpich or
# intel) is asked once here, for mpilaunch and for tests that a launcher cannot support.
export MPIRUN=${MPIRUN:-mpirun}
MPILAUNCH=$TOP/slurm/mpilaunch
if ! MPI_FLAVOR=$("$MPILAUNCH" --flavor 2>&1); then
    echo "Bail out! $MPI_FLAVOR"
    exit 2
fi
export MPI_FLAVOR
tap_n=0
tap_failed=0

# ok COND_STATUS NAME: one TAP point from the status of the previous test command.
ok() {
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"
    else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}

# find_ranks PID: into $RANKS, the MPI ranks that PID started on this host: its descendants
# through slurm/mpilaunch, the launcher (mpirun, mpiexec) and Hydra's proxies; no fork (for polls)
find_ranks() {
    local todo=$1 p k kids comm
    RANKS=""
    while [ -n "$todo" ]; do
        set -- $todo
        todo=""
        for p; do
            kids=""
            read -r kids <"/proc/$p/task/$p/children" 2>/dev/null
            for k in $kids; do
                comm=""
                read -r comm <"/proc/$k/comm" 2>/dev/null
                case $comm in
                mpilaunch | mpirun | orterun | prterun | mpiexec* | hydra_pmi_proxy | timeout) todo="$todo $k" ;;
                *) RANKS="$RANKS $k" ;;
                esac
            done
        done
    done
}
# ranks_of PID: the same, printed
ranks_of() { find_ranks "$1"; echo $RANKS; }

# diag TEXT...: a TAP diagnostic line.
diag() { echo "# $*"; }

# done_testing: print the plan; exit status says whether all passed.
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# mpi NP [mpilaunch options] CMD...: run CMD under $MPIRUN with NP ranks (oversubscribed: 2 cores
# here), 120 s cap; options are slurm/mpilaunch's neutral ones (--bind T|none, --env VAR, ...).
mpi() { local np=$1; shift; timeout 120 "$MPILAUNCH" --oversubscribe -np "$np" "$@"; }

# The Python of jfield and the tests' scanners: Debian's own when present (a pyenv shim may not be).
if [ -x /usr/bin/python3 ]; then JSON_PY=/usr/bin/python3; else JSON_PY=python3; fi

# jfield KEY < JSON: the value of KEY in the first JSON object of the input (the whole input, else
# the first line that is one) holding it: at its top level, else the first nested one in document
# order (build.version). Scalars only, printed raw: numbers exactly as written (3.1415926535897931,
# 18446744073709551615), strings decoded and without quotes, true/false/null as in JSON.
# Prints nothing and returns 1 when no object holds KEY as a scalar.
jfield() {
    "$JSON_PY" -c '
import json, sys
key, raw = sys.argv[1], sys.stdin.read()
def parse(text):
    try:
        return json.loads(text, parse_float=str, parse_int=str, parse_constant=str)
    except ValueError:
        return None
def scalar(v):
    return not isinstance(v, (dict, list))
def find(v):
    if isinstance(v, dict):
        if key in v and scalar(v[key]):
            return (v[key],)
        kids = v.values()
    elif isinstance(v, list):
        kids = v
    else:
        return None
    for kid in kids:
        hit = find(kid)
        if hit:
            return hit
    return None
whole = parse(raw)
docs = [whole] if whole is not None else [parse(l) for l in raw.splitlines() if l.strip()]
for doc in docs:
    hit = find(doc)
    if hit:
        v = hit[0]
        print("true" if v is True else "false" if v is False else "null" if v is None else v)
        sys.exit(0)
sys.exit(1)' "$1"
}

# jtrue PERL_EXPR < JSON: the expression, over the decoded object $d (perl JSON::PP), is true.
jtrue() { perl -MJSON::PP -e 'my $d = decode_json(join "", <STDIN>); exit !(eval $ARGV[0])' "$1"; }

# The header of bench/scale's results.csv (tests/bench/scale.t, tests/slurm/slurm.t).
scale_header=method,mode,n,ranks,threads,workers,hosts,oversubscribed,seconds_min,seconds_median,seconds_max,rate,speedup,efficiency,karp_flatt,pi,check,git

# png_ok FILE: FILE starts with the PNG signature and has more than 10 kB (a drawn plot).
png_ok() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$(wc -c <"$1")" -gt 10000 ]; }

# slurm_start DIR: start the private two-node Slurm of tests/slurm/cluster.sh in DIR and export
# SLURM_CONF; 0 when it is up, else 1 with the reason in slurm_skip (the caller SKIPs visibly).
# The caller stops it: tests/slurm/cluster.sh stop DIR.
slurm_start() {
    local status
    status=$("$TOP/tests/slurm/cluster.sh" start "$1")
    slurm_skip=${status#SKIP }
    [ "$status" = ok ] || return 1
    export SLURM_CONF="$1/slurm.conf"
}

# wait_job ID: wait (at most 180 s) until the job ends; prints "STATE EXITCODE"
wait_job() {
    local s
    for _ in $(seq 360); do
        s=$(scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
        case $s in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
        sleep 0.5
    done
    echo "$s $(scontrol show job "$1" | sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' | head -n 1)"
}

# small_tmp: a temporary directory $tmp, the working directory from now on, holding $small, a
# mount point for mount_small; unmounted and removed when the test exits.
small_tmp() {
    tmp=$(mktemp -d)
    small="$tmp/small"
    mkdir -p "$small"
    trap 'mountpoint -q "$small" && umount "$small"; rm -rf "$tmp"' EXIT
    cd "$tmp" || exit 1
}

# mount_small DIR: mount a 1 MiB tmpfs on DIR (a full disk, for root); $mounted is yes or why not.
mount_small() {
    local err
    if [ "$(id -u)" != 0 ]; then
        mounted="not root: cannot mount a tmpfs"
    elif ! err=$(mount -t tmpfs -o size=1m tmpfs "$1" 2>&1); then
        mounted="mount -t tmpfs failed: $(head -n 1 <<<"$err")"
    else
        mounted=yes
    fi
}

# private_slurm: start tests/slurm/cluster.sh's private Slurm in $tmp/cluster, stopped (and $tmp
# removed) when the test exits; SLURM_CONF, PI_ROOT and site.conf's settings exported, no modules.
# Without root or Slurm: the plan's SKIP line, and the test ends here.
private_slurm() {
    cluster="$tmp/cluster"
    mkdir -p "$cluster"
    local status
    status=$("$TOP/tests/slurm/cluster.sh" start "$cluster")
    if [ "$status" != ok ]; then
        echo "1..0 # SKIP ${status#SKIP }"
        "$TOP/tests/slurm/cluster.sh" stop "$cluster"
        rm -rf "$tmp"
        exit 0
    fi
    trap '"$TOP/tests/slurm/cluster.sh" stop "$cluster"; rm -rf "$tmp"' EXIT
    export SLURM_CONF="$cluster/slurm.conf" PI_ROOT="$TOP"
    slurm_site
}

# slurm_site: site.conf's settings exported, for the programs under test ($BIN) and their MPI: no
# modules (none here), and srun's PMI as an MPICH site sets it (pmi2) when the MPI is not Open MPI.
slurm_site() {
    . "$TOP/slurm/site.conf"
    export PI_MODULES=""                 # no module system on this machine
    export PI_BIN="$BIN" PI_LAUNCHER PI_SRUN_MPI
    [ "$MPI_FLAVOR" = openmpi ] || PI_SRUN_MPI=pmi2
}
