#!/usr/bin/env bash
# The anchor of `routesim schedule` (README "Schedules"): pyworkforce's
# MinRequiredResources (OR-Tools CP-SAT) on the same requirement and shift
# patterns as `routesim schedule scenarios/week.toml`, both rosters' paid
# hours and solve times side by side, and each roster's service level as
# routesim simulates it on the same independent seed.
#
# Needs Python 3 with venv and PyPI (pyworkforce brings OR-Tools); not run
# in CI. Usage: bash benches/pyworkforce-anchor.sh [SCENARIO]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/week.toml}
work=${WORK:-target/pyworkforce-anchor}
venv=${VENV:-target/pyworkforce-venv}
cargo build --release -q
routesim=$PWD/target/release/routesim
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyworkforce tomli-w
fi
rm -rf "$work" && mkdir -p "$work"
start=$(date +%s%N)
"$routesim" schedule "$scenario" --out "$work/schedule" >"$work/schedule.txt"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "routesim schedule $scenario: $((ms / 1000)).$(printf %03d $((ms % 1000))) s wall (requirement, program, simulation and repair)"
"$venv/bin/python" benches/pyworkforce_anchor.py "$routesim" "$scenario" "$work/schedule" "$work" "$work/schedule.txt"
