# common.sh - sourced by slurm/*.sbatch: site settings, modules, OpenMP placement, the launcher,
# and the layout record that fails the job loudly when the MPI world is not what Slurm allocated.

# PI_ROOT: a checkout's top directory (submit from it), or an installation's
# PREFIX/share/pi-workshop-mpi, which `module load pi-workshop-mpi` sets.
PI_ROOT=${PI_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}
. "${PI_SITE:-$PI_ROOT/slurm/site.conf}"

if [ -n "${PI_MODULES:-}" ]; then
    if command -v module >/dev/null 2>&1; then
        module load $PI_MODULES || { echo "FAILED: module load $PI_MODULES" >&2; exit 1; }
    else
        echo "note: no module command here; PI_MODULES='$PI_MODULES' not loaded" >&2
    fi
fi
# The programs: PI_BIN if set, else the checkout's bin/ (make), else pi's directory on PATH
# (an installation: the module put PREFIX/bin there).
if [ -z "${PI_BIN:-}" ]; then
    if [ -x "$PI_ROOT/bin/pi" ] || ! command -v pi >/dev/null 2>&1; then
        PI_BIN=$PI_ROOT/bin
    else
        PI_BIN=$(dirname "$(command -v pi)")
    fi
fi
[ -x "$PI_BIN/pi" ] || { echo "FAILED: $PI_BIN/pi not found and no pi on PATH: run make first," \
    "module load pi-workshop-mpi, or set PI_BIN" >&2; exit 1; }

# Hybrid placement: one OpenMP thread per allocated CPU, packed on neighbouring cores.
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
export OMP_PLACES=${OMP_PLACES:-cores}
export OMP_PROC_BIND=${OMP_PROC_BIND:-close}
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# The MPI's own launcher: $MPIRUN (default mpirun; MPICH's mpiexec, Intel MPI's mpirun) in its
# dialect, through slurm/mpilaunch beside this file (MPI_FLAVOR overrides its detection).
export MPIRUN=${MPIRUN:-mpirun}
PI_MPILAUNCH=$(dirname "${BASH_SOURCE[0]}")/mpilaunch

# launch_cmd [-n RANKS] [-t THREADS] CMD...: the command line that starts CMD on the allocation's
# ranks (or RANKS of them), each with the task's CPUs (or THREADS cores), into the array PI_LAUNCH;
# 1 if PI_LAUNCHER is unknown.  launch runs it; slurm/long.sbatch starts it in the background.
#   mpirun: the MPI's launcher ($MPIRUN) reads the allocation itself and needs no PMI support in
#           Slurm.  The whole allocation: each node's slots as Slurm gave them (an uneven split,
#           -N 2 -n 3 = 2 + 1, included); fewer ranks (a scaling sweep's layout): spread evenly,
#           N per node.  Each rank bound to T cores.  In Open MPI's words: --map-by slot:PE=T or
#           --map-by ppr:N:node:PE=T, --bind-to core, -x VAR; in Hydra's (MPICH, Intel MPI):
#           -bind-to core:T (Intel: I_MPI_PIN_DOMAIN=omp), -ppn N, -genvlist VAR,...
#   srun:   Slurm's launcher; needs the PMI (PI_SRUN_MPI) matching the MPI: pmix for Open MPI,
#           pmi2 for MPICH and Intel MPI.  Slurm 22.05 and 23.02 do not pass --cpus-per-task on
#           to srun, so it is given again.
launch_cmd() {
    local n=${SLURM_NTASKS:-1} t=${SLURM_CPUS_PER_TASK:-1} nodes=${SLURM_JOB_NUM_NODES:-1}
    while [ "${1:-}" = -n ] || [ "${1:-}" = -t ]; do
        if [ "$1" = -n ]; then n=$2; else t=$2; fi
        shift 2
    done
    local per=(--per-node "$(( (n + nodes - 1) / nodes ))")
    [ "$n" = "${SLURM_NTASKS:-}" ] && per=()
    case $PI_LAUNCHER in
    mpirun)
        PI_LAUNCH=("$PI_MPILAUNCH" -np "$n" ${per[@]+"${per[@]}"} --bind "$t"
            --env OMP_NUM_THREADS,OMP_PLACES,OMP_PROC_BIND "$@") ;;
    srun)
        PI_LAUNCH=(srun --mpi="$PI_SRUN_MPI" -n "$n" --cpus-per-task="$t" "$@") ;;
    *)
        echo "FAILED: PI_LAUNCHER must be mpirun or srun, not '$PI_LAUNCHER'" >&2
        return 1 ;;
    esac
}

# launch [-n RANKS] [-t THREADS] CMD...: run CMD as launch_cmd says.
launch() {
    launch_cmd "$@" || return 1
    "${PI_LAUNCH[@]}"
}

# record_layout [-n RANKS] [-t THREADS]: the job's layout and placement in its output; fail
# loudly when the MPI world is not the RANKS ranks expected.
record_layout() {
    local n=${SLURM_NTASKS:-1}
    if [ "${1:-}" = -n ]; then n=$2; fi
    echo "job ${SLURM_JOB_ID:-?}: ${SLURM_JOB_NUM_NODES:-1} node(s) ${SLURM_JOB_NODELIST:-}," \
         "$n rank(s) x ${OMP_NUM_THREADS} thread(s), launcher $PI_LAUNCHER," \
         "OMP_PLACES=$OMP_PLACES OMP_PROC_BIND=$OMP_PROC_BIND, programs $PI_BIN"
    local err status=0
    err=$(mktemp) || { echo "FAILED: mktemp for the layout check" >&2; exit 1; }
    launch "$@" "$PI_BIN/pi" layout --expect-ranks "$n" 2>"$err" || status=$?
    if [ "$status" -ne 0 ]; then
        # one line, whatever the launcher and however many singletons complained
        local hint=""
        [ "$PI_LAUNCHER" = srun ] &&
            hint="; is PI_SRUN_MPI=$PI_SRUN_MPI this MPI's PMI? (Open MPI: pmix, MPICH: pmi2)"
        echo "FAILED: the MPI world is not the $n ranks Slurm allocated (launcher $PI_LAUNCHER," \
             "exit $status): $(grep -m 1 . "$err" || echo 'no message')$hint" >&2
        rm -f "$err"
        exit 1
    fi
    cat "$err" >&2
    rm -f "$err"
}
