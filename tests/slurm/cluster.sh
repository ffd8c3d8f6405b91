#!/usr/bin/env bash
# cluster.sh - a real, private Slurm on this machine for the tests: munged, slurmctld and two
# slurmd -N emulating nodes n1, n2 (cred_expire=10: a requeued job may start again after 10 s,
# not 120).  Usage: cluster.sh start DIR | stop DIR
# start prints "ok" or "SKIP reason"; everything (config, logs, sockets, pids) lives in DIR, and
# stop ends only the daemons whose pid files are in DIR.
# srun --mpi=pmix across the two nodes: each slurmd reads its own copy of slurm.conf that differs
# only in TmpFS (DIR/tmp/NODE), where the PMIx plugin puts its per-step client directories
# (spmix_appdir_UID_JOB.STEP): with one TmpFS the second node's step fails ("pmixp_mkdir: Cannot
# create directory ... File exists").  Tests run jobs across the two nodes with
# OMPI_MCA_btl=self,tcp: both "nodes" have one hostname, and Open MPI's shared-memory segments
# of the two could collide (GUIDE.md, section 6).
set -u
cmd=${1:?start|stop}
dir=${2:?DIR}

stop() {
    for f in "$dir"/slurmd.n1.pid "$dir"/slurmd.n2.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null)
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        rm -f "$f"
    done
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi

[ "$(id -u)" = 0 ] || { echo "SKIP not root: slurmd and slurmctld run as root here"; exit 0; }
for b in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$b" >/dev/null || { echo "SKIP $b not installed (Debian: slurm-wlm munge)"; exit 0; }
done
mkdir -p "$dir/state" "$dir/spool" "$dir/munge" "$dir/tmp/ctl" "$dir/tmp/n1" "$dir/tmp/n2"
host=$(hostname -s)
port() { # a free TCP port from a base
    local p=$1
    while (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null; do p=$((p + 1)); done
    echo $p
}
ctl=$(port 16817)
d1=$(port $((ctl + 1)))
d2=$(port $((d1 + 1)))
[ "$d2" -eq $((d1 + 1)) ] || d2=$(port $((d2 + 1)))

# munge: its own key and socket, so a system munged is left alone
dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" 2>/dev/null
chmod 600 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" \
    >"$dir/munged.out" 2>&1 || { echo "SKIP munged did not start: $(tail -n 1 "$dir/munged.out")"; exit 0; }

cat >"$dir/slurm.conf" <<CONF
ClusterName=pitest
SlurmctldHost=$host
SlurmctldPort=$ctl
SlurmdPort=$d1
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.%n.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.%n.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
InactiveLimit=0
KillWait=5
MinJobAge=300
DebugFlags=NO_CONF_HASH
TmpFS=$dir/tmp/ctl
NodeName=n[1-2] NodeHostname=$host Port=$d1-$d2 CPUs=4 Sockets=1 CoresPerSocket=4 ThreadsPerCore=1 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP
PartitionName=standard Nodes=n[1-2] Default=NO MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 || { echo "SKIP slurmctld did not start: $(tail -n 1 "$dir/slurmctld.out")"; stop; exit 0; }
for n in n1 n2; do      # the same configuration but for TmpFS (see above)
    mkdir -p "$dir/spool/$n"
    sed "s|^TmpFS=.*|TmpFS=$dir/tmp/$n|" "$SLURM_CONF" >"$dir/slurm.$n.conf"
    slurmd -f "$dir/slurm.$n.conf" -N "$n" >"$dir/slurmd.$n.out" 2>&1 ||
        { echo "SKIP slurmd $n did not start"; stop; exit 0; }
done
for _ in $(seq 60); do
    idle=$(sinfo -h -N -o '%N %t' 2>/dev/null | grep -c 'idle')
    [ "$idle" -ge 2 ] && { echo ok; exit 0; }
    sleep 0.5
done
echo "SKIP nodes did not come up: $(sinfo -N 2>&1 | tr '\n' ' ')"
stop
