#!/usr/bin/env bash
# deploy/ray/check.sh: run.py runs the sweep of deploy/common.sh as one Ray
# task per shard on a local Ray (ray.init() with no cluster), merges, and
# the merged folder must equal the unsharded run byte for byte.
#
# The first attempt of shard 1 is killed with SIGKILL partway (a wrapper
# around routesim does it), so Ray's retry is exercised too: the retried
# shard must give the same bytes, and merge must ignore what the killed one
# left. Ray is installed from PyPI (requirements.txt) into
# target/deploy-venv/ray; its session files go to the scratch folder, and
# run.py's ray.shutdown() stops the local Ray it started. Usage:
#   bash deploy/ray/check.sh        # builds target/release/routesim
#   ROUTESIM=/path/to/routesim bash deploy/ray/check.sh
set -euo pipefail
CHECK=ray
# shellcheck source=deploy/common.sh
. "$(dirname "$0")/../common.sh"
HERE=$REPO/deploy/ray

python_venv "$HERE/requirements.txt"
"$PYTHON" -c 'import ray; print("== ray: ray", ray.__version__)' || die "ray does not import"
find_routesim
unsharded

routesim_killed_once 1

# Ray's session files, and the token it writes to ~/.ray, in the scratch folder.
export RAY_TMPDIR=$SCRATCH/ray HOME=$SCRATCH/home
mkdir -p "$RAY_TMPDIR" "$HOME"
say "run.py --shards $SHARDS (shard 1's first attempt killed)"
(cd "$REPO" && "$PYTHON" "$HERE/run.py" --shards "$SHARDS" --parts "$SCRATCH/parts" \
  --out "$SCRATCH/merged" --routesim "$SCRATCH/routesim-killed-once" -q -- "${SWEEP[@]}") \
  || die "run.py failed"
was_killed_once
same_as_unsharded "$SCRATCH/parts" "$SCRATCH/merged"
