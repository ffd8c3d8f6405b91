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

# launch_cmd [-n RANKS] [-t THREADS] CMD...: the command line that starts CMD on the allocation's
# ranks (or RANKS of them), each with the task's CPUs (or THREADS cores), into the array PI_LAUNCH;
# 1 if PI_LAUNCHER is unknown.  launch runs it; slurm/long.sbatch starts it in the background.
#   mpirun: Open MPI's launcher reads the allocation itself and needs no PMI support in Slurm.
#           The whole allocation: --map-by slot:PE=T, each node's slots as Slurm gave them (an
#           uneven split, -N 2 -n 3 = 2 + 1, included); fewer ranks (a scaling sweep's layout):
#           spread evenly, --map-by ppr:N:node:PE=T.  Always --bind-to core.
#   srun:   Slurm's launcher; needs PMIx (PI_SRUN_MPI) matching the MPI.  Slurm 22.05 and 23.02
#           do not pass --cpus-per-task on to srun, so it is given again.
launch_cmd() {
    local n=${SLURM_NTASKS:-1} t=${SLURM_CPUS_PER_TASK:-1} nodes=${SLURM_JOB_NUM_NODES:-1}
    while [ "${1:-}" = -n ] || [ "${1:-}" = -t ]; do
        if [ "$1" = -n ]; then n=$2; else t=$2; fi
        shift 2
    done
    local map="ppr:$(( (n + nodes - 1) / nodes )):node:PE=$t"
    [ "$n" = "${SLURM_NTASKS:-}" ] && map="slot:PE=$t"
    case $PI_LAUNCHER in
    mpirun)
        PI_LAUNCH=(mpirun -np "$n" --map-by "$map" --bind-to core
            -x OMP_NUM_THREADS -x OMP_PLACES -x OMP_PROC_BIND "$@") ;;
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
    if ! launch "$@" "$PI_BIN/pi" layout --expect-ranks "$n"; then
        echo "FAILED: the MPI world is not the $n ranks Slurm allocated (see above)" >&2
        exit 1
    fi
}
