#!/usr/bin/env bash
# deploy/dask/check.sh: run.py runs the sweep of deploy/common.sh as one Dask
# task per shard on a distributed.LocalCluster (two worker processes on
# loopback), merges, and the merged folder must equal the unsharded run byte
# for byte.
#
# The first attempt of shard 2 is killed with SIGKILL partway (a wrapper
# around routesim does it), so the task's retries are exercised too: the
# retried shard must give the same bytes, and merge must ignore what the
# killed one left. dask and distributed are installed from PyPI
# (requirements.txt) into target/deploy-venv/dask; the LocalCluster is
# closed when run.py ends. Usage:
#   bash deploy/dask/check.sh        # builds target/release/routesim
#   ROUTESIM=/path/to/routesim bash deploy/dask/check.sh
set -euo pipefail
CHECK=dask
# shellcheck source=deploy/common.sh
. "$(dirname "$0")/../common.sh"
HERE=$REPO/deploy/dask

python_venv "$HERE/requirements.txt"
"$PYTHON" -c 'import distributed; print("== dask: distributed", distributed.__version__)' \
  || die "distributed does not import"
find_routesim
unsharded

routesim_killed_once 2
# Dask's worker spill folders in the scratch folder.
export DASK_TEMPORARY_DIRECTORY=$SCRATCH/dask
say "run.py --shards $SHARDS --workers 2 (shard 2's first attempt killed)"
(cd "$REPO" && "$PYTHON" "$HERE/run.py" --shards "$SHARDS" --workers 2 --parts "$SCRATCH/parts" \
  --out "$SCRATCH/merged" --routesim "$SCRATCH/routesim-killed-once" -q -- "${SWEEP[@]}") \
  || die "run.py failed"
was_killed_once
same_as_unsharded "$SCRATCH/parts" "$SCRATCH/merged"
