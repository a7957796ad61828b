#!/usr/bin/env bash
# deploy/slurm/check.sh: a one-node Slurm cluster on this machine runs the
# sweep of deploy/common.sh as a job array (array.sbatch, one shard per
# task) and a merge job (merge.sbatch, --dependency=afterok on the array);
# the merged folder must be the unsharded run's, byte for byte. In a first
# round shard 1 is killed partway: its task fails and the merge must be
# cancelled; the second round submits both again, as a user would, and the
# shards already done must do nothing.
#
# Installs Debian's slurm-wlm and munge with apt-get when missing. munged,
# slurmctld and slurmd are started directly (no systemd), with their key,
# configuration, state and logs in a scratch folder and on free ports, so
# nothing under /etc is changed and a Slurm already on the machine is left
# alone; they are stopped on exit. Needs root. Usage:
#   bash deploy/slurm/check.sh            # builds target/release/routesim
#   ROUTESIM=/path/to/routesim bash deploy/slurm/check.sh
set -euo pipefail
CHECK=slurm
# shellcheck source=deploy/common.sh
. "$(dirname "$0")/../common.sh"
HERE=$REPO/deploy/slurm
TIMEOUT=${SLURM_CHECK_TIMEOUT:-300}

[ "$(id -u)" -eq 0 ] || die "run as root: the check starts munged, slurmctld and slurmd as root (SlurmUser=root)"
have munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo scancel \
  || apt_install slurm-wlm munge
have munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo scancel \
  || die "slurm-wlm and munge are installed, but their programs are not all on the PATH"
find_routesim
unsharded

# free_port FROM: the first TCP port from FROM up that nothing listens on.
free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# stop PIDFILE NAME: ends the daemon whose pid we recorded, and waits for it.
stop() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "$2 (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# wait_for SECONDS CMD...: polls CMD every half second until it succeeds,
# for at most SECONDS; false if it never did.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

show_logs() {
  local f
  for f in "$SCRATCH"/log/*; do
    [ -f "$f" ] || continue
    echo "---- ${f#"$SCRATCH"/} (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}

mkdir -p "$SCRATCH"/{munge,log,ctld,spool,parts}
chmod 700 "$SCRATCH/munge"

# munge: a key of our own and a socket in the scratch folder.
say "munged"
mungekey --create --keyfile="$SCRATCH/munge/munge.key" || die "mungekey failed"
chmod 600 "$SCRATCH/munge/munge.key"
munge_socket=$SCRATCH/munge/munge.socket
munged --force --foreground --key-file="$SCRATCH/munge/munge.key" --socket="$munge_socket" \
  --pid-file="$SCRATCH/munge/munged.pid" --seed-file="$SCRATCH/munge/munged.seed" \
  --log-file="$SCRATCH/log/munged.log" >>"$SCRATCH/log/munged.stderr" 2>&1 &
echo $! >"$SCRATCH/munged.pid"
at_exit "stop '$SCRATCH/munged.pid' munged"
wait_for 20 munge --socket="$munge_socket" --no-input \
  || { show_logs; die "munged did not start"; }

# slurm.conf: this host as the controller and the one compute node, with the
# CPUs and memory slurmd finds; plugins that need no cgroups, no database and
# no systemd.
host=$(hostname -s)
node=$(slurmd -C | head -n 1)
case $node in
  NodeName=*) ;;
  *) die "slurmd -C printed no node line: $node" ;;
esac
node_name=${node%% *}
node_name=${node_name#NodeName=}
[ "$node_name" = "$host" ] || say "note: slurmd calls this node $node_name, hostname -s says $host"
ctld_port=$(free_port 6817)
slurmd_port=$(free_port $((ctld_port + 1)))
export SLURM_CONF=$SCRATCH/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=routesim-check
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$SCRATCH/ctld
SlurmdSpoolDir=$SCRATCH/spool
SlurmctldPidFile=$SCRATCH/slurmctld.pidfile
SlurmdPidFile=$SCRATCH/slurmd.pidfile
SlurmctldLogFile=$SCRATCH/log/slurmctld.log
SlurmdLogFile=$SCRATCH/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=600
PropagateResourceLimits=NONE
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=check Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
CONF

say "slurmctld (port $ctld_port) and slurmd (port $slurmd_port)"
slurmctld -D -i -f "$SLURM_CONF" >>"$SCRATCH/log/slurmctld.stderr" 2>&1 &
echo $! >"$SCRATCH/slurmctld.pid"
at_exit "stop '$SCRATCH/slurmctld.pid' slurmctld"
wait_for 30 scontrol ping || { show_logs; die "slurmctld did not answer scontrol ping"; }
slurmd -D -N "$node_name" -f "$SLURM_CONF" >>"$SCRATCH/log/slurmd.stderr" 2>&1 &
echo $! >"$SCRATCH/slurmd.pid"
at_exit "stop '$SCRATCH/slurmd.pid' slurmd"

node_idle() { sinfo -h -N -n "$node_name" -o %T | grep -qx idle; }
wait_for 60 node_idle || { sinfo -N >&2 || true; show_logs; die "node $node_name did not become idle"; }

# states JOB: its tasks' final states counted, as "4 COMPLETED" or "3 COMPLETED, 1 FAILED".
states() {
  scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | sed 's/^JobState=//' | sort | uniq -c \
    | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }'
}

# submit ROUND BINARY: submits the array and the merge as a user would, with
# ROUTESIM=BINARY in the jobs' environment, waits until squeue lists neither
# (no slurmdbd here, so no sacct), and sets ARRAY_STATES and MERGE_STATES
# from the controller (which keeps finished jobs for MinJobAge).
submit() {
  local round=$1 binary=$2 array merge
  say "round $round: sbatch --array=0-$((SHARDS - 1)) array.sbatch; sbatch --dependency=afterok merge.sbatch"
  array=$(ROUTESIM=$binary sbatch --parsable --array=0-$((SHARDS - 1)) \
    --output="$SCRATCH/log/round$round-shard-%a.out" \
    "$HERE/array.sbatch" "$SCRATCH/parts" "${SWEEP[@]}") || die "sbatch of the array failed"
  array=${array%%;*}
  # Cancel what is still queued or running if the check stops early.
  at_exit "scancel '$array' 2>/dev/null"
  merge=$(ROUTESIM=$binary sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$SCRATCH/log/round$round-merge.out" \
    "$HERE/merge.sbatch" "$SCRATCH/parts" "$SCRATCH/merged") || die "sbatch of the merge failed"
  merge=${merge%%;*}
  at_exit "scancel '$merge' 2>/dev/null"
  gone() { [ -z "$(squeue -h -j "$array,$merge" -o %i)" ]; }
  if ! wait_for "$TIMEOUT" gone; then
    squeue >&2 || true
    show_logs
    die "the jobs did not finish within $TIMEOUT s"
  fi
  ARRAY_STATES=$(states "$array")
  MERGE_STATES=$(states "$merge")
  say "round $round: array job $array: $ARRAY_STATES; merge job $merge: $MERGE_STATES"
}

cd "$REPO"
# Round 1: shard 1 is killed partway, so its task fails and the merge is
# cancelled, not left pending.
routesim_killed_once 1
submit 1 "$SCRATCH/routesim-killed-once"
was_killed_once
if [ "$ARRAY_STATES" != "$((SHARDS - 1)) COMPLETED, 1 FAILED" ] || [ "$MERGE_STATES" != "1 CANCELLED" ]; then
  show_logs
  die "round 1: expected one failed task and the merge cancelled"
fi
[ ! -e "$SCRATCH/merged" ] || die "round 1: the cancelled merge wrote $SCRATCH/merged"

# Round 2: the same two submissions again, as the README says to do after a
# failure. The finished shards must do nothing (their parts keep their
# inodes: not rewritten), shard 1 runs, the merge completes.
inodes() {
  local i
  for ((i = 0; i < SHARDS; i++)); do
    [ "$i" = 1 ] || stat -c %i "$SCRATCH/parts/part-$i/part.json"
  done
}
before=$(inodes)
submit 2 "$ROUTESIM"
if [ "$ARRAY_STATES" != "$SHARDS COMPLETED" ] || [ "$MERGE_STATES" != "1 COMPLETED" ]; then
  show_logs
  die "round 2: a job did not complete"
fi
[ "$(inodes)" = "$before" ] || die "round 2 rewrote parts that were already there"

same_as_unsharded "$SCRATCH/parts" "$SCRATCH/merged"
