#!/usr/bin/env bash
# deploy/kubernetes/check.sh: the manifests are valid Kubernetes objects, and
# what they run gives the unsharded folder. Without a cluster:
#   1. kubernetes-validate --strict (from PyPI, in a venv; its schemas ship
#      with it, so it needs no network) checks pvc.yaml, shards.yaml and
#      merge.yaml against the oldest and the newest Kubernetes it knows;
#   2. run_local.py runs shards.yaml's container command once per index with
#      JOB_COMPLETION_INDEX set (all at once, as parallelism allows), the
#      volumes mounted at /data and /scenarios mapped to a scratch folder and
#      to scenarios/, then merge.yaml's, then the command without --shard;
#      pod 1 is first run once and killed with SIGKILL partway, so its
#      replacement must cope with what it left;
#   3. the merged folder must equal the unsharded one byte for byte.
# Usage:
#   bash deploy/kubernetes/check.sh        # builds target/release/routesim
#   ROUTESIM=/path/to/routesim bash deploy/kubernetes/check.sh
set -euo pipefail
CHECK=kubernetes
# shellcheck source=deploy/common.sh
. "$(dirname "$0")/../common.sh"
HERE=$REPO/deploy/kubernetes
MANIFESTS=("$HERE/pvc.yaml" "$HERE/shards.yaml" "$HERE/merge.yaml")
# The oldest and the newest schemas kubernetes-validate 1.37.0 ships.
VERSIONS=(1.25.0 1.37.0)

python_venv "$HERE/requirements.txt"
say "run_local.py's own examples (python -m doctest)"
"$PYTHON" -m doctest "$HERE/run_local.py" || die "run_local.py's doctests failed"
for v in "${VERSIONS[@]}"; do
  say "kubernetes-validate --strict -k $v"
  "$(dirname "$PYTHON")/kubernetes-validate" --strict --quiet -k "$v" "${MANIFESTS[@]}" \
    || die "the manifests are not valid for Kubernetes $v"
done
find_routesim

SHARDS=$("$PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["completions"])' \
  "$HERE/shards.yaml") || die "cannot read spec.completions of shards.yaml"
mkdir -p "$SCRATCH/data"
local_run() {
  "$PYTHON" "$HERE/run_local.py" "$@" --program "routesim=$ROUTESIM" --mount "/data=$SCRATCH/data"
}

say "pod 1 killed partway, as a node lost or a pod evicted would leave it"
routesim_killed_once 1
if "$PYTHON" "$HERE/run_local.py" "$HERE/shards.yaml" --index 1 --mount "/data=$SCRATCH/data" \
  --mount "/scenarios=$REPO/scenarios" --program "routesim=$SCRATCH/routesim-killed-once"; then
  die "the killed pod 1 exited 0"
fi
was_killed_once

say "the Indexed Job's $SHARDS pods (pod 1 replaced), run here"
pids=()
for ((i = 0; i < SHARDS; i++)); do
  local_run "$HERE/shards.yaml" --index "$i" --mount "/scenarios=$REPO/scenarios" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[ "$failed" -eq 0 ] || die "$failed of the $SHARDS shard pods failed"

say "the merge Job's pod, run here"
local_run "$HERE/merge.yaml" || die "the merge pod failed"

say "the shards' command without --shard"
local_run "$HERE/shards.yaml" --unsharded "$SCRATCH/unsharded" --mount "/scenarios=$REPO/scenarios" \
  || die "the unsharded run failed"

same_as_unsharded "$SCRATCH/data/parts" "$SCRATCH/data/results"
