#!/bin/bash
# A real single-node Slurm (slurmctld + slurmd + munge) for the sweep tests, started without
# systemd or cgroups; idempotent. Run as root. Usage: singleNodeSlurm.sh up|down|status
# Installs Debian's slurmctld, slurmd, slurm-client and munge when missing. State under SLURM_TEST_BASE.
set -euo pipefail
ACTION=${1:-up}
BASE=${SLURM_TEST_BASE:-/tmp/slurm-test}       # state, spool, logs, pids
CONF=/etc/slurm/slurm.conf
HOST=$(hostname -s)

install_pkgs() {
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
     || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  fi
}

write_conf() {
  mkdir -p "$BASE"/{state,spool,log} /etc/slurm
  # CPUs/RealMemory from the hardware probe (RealMemory lowered slightly so the node is never drained for low memory)
  local probe cpus mem
  probe=$(slurmd -C | head -1)
  cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$probe")
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$probe")
  mem=$(( mem * 9 / 10 ))
  cat > "$CONF" <<CONF
ClusterName=testcluster
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MinJobAge=300
NodeName=$HOST NodeAddr=127.0.0.1 NodeHostname=$HOST CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
  # no cgroups anywhere: make sure no cgroup.conf is picked up
  rm -f /etc/slurm/cgroup.conf
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge
  chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge; chown munge:munge /run/munge; chmod 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.1; done
  echo "munged did not come up" >&2; exit 1
}

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  install_pkgs
  write_conf
  start_munge
  pid_alive "$BASE/slurmctld.pid" || slurmctld        # daemonizes, logs to $BASE/log
  for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
  pid_alive "$BASE/slurmd.pid" || slurmd
  for _ in $(seq 150); do
    st=$(sinfo -h -N -n "$HOST" -o %t 2>/dev/null || true)
    case "$st" in idle|mix|alloc) echo "slurm up: node $HOST $st"; return 0;; esac
    sleep 0.2
  done
  echo "node did not become idle (state: ${st:-?})" >&2
  tail -20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2
  exit 1
}

stop_pidfile() {  # $1 pidfile
  if pid_alive "$1"; then
    local p; p=$(cat "$1"); kill -TERM "$p"
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" || true
  fi
  rm -f "$1"
}

down() {
  command -v scancel >/dev/null && scancel --user=root 2>/dev/null || true
  stop_pidfile "$BASE/slurmd.pid"
  stop_pidfile "$BASE/slurmctld.pid"
  if [ -s /run/munge/munged.pid ]; then stop_pidfile /run/munge/munged.pid; fi
  rm -rf "$BASE"
  echo "slurm down"
}

case "$ACTION" in
  up) up;; down) down;;
  status) sinfo; squeue;;
  *) echo "usage: $0 [up|down|status]" >&2; exit 2;;
esac
