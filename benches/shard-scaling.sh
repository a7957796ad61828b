#!/usr/bin/env bash
# Sharded sweeps against one process (README "Running on a cluster"):
#
# 1. A sweep of 8 variants x 20 replications of scenarios/erlang-c.toml
#    (a week of 90 Erlangs on about 100 agents), unsharded on one thread,
#    then as 2 shards in parallel (one thread each) and merged: the
#    speed-up, the merge's time against the run, and that the merged folder
#    is the unsharded one byte for byte.
# 2. The size of a part (fold.bin and part.json) of the same sweep over
#    4 hours, at 10 and at 1,000 replications: it does not grow with the
#    replications (exact sums, histograms of counts).
#
# usage: benches/shard-scaling.sh   (run it alone, on a quiet machine: two
# shards in parallel need both cores to themselves)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/routesim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

sweep=(sweep scenarios/erlang-c.toml --vary agents.all.count=95..102 -r 20 -q)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: routesim ${sweep[*]}"

t0=$(now)
"$bin" "${sweep[@]}" -j 1 --out "$work/whole"
t1=$(now)
"$bin" "${sweep[@]}" -j 1 --shard 0/2 --out "$work/parts/p0" &
first=$!
"$bin" "${sweep[@]}" -j 1 --shard 1/2 --out "$work/parts/p1" &
second=$!
wait "$first"
wait "$second"
t2=$(now)
"$bin" merge "$work/parts" -q --out "$work/merged"
t3=$(now)

diff -r "$work/whole" "$work/merged" >/dev/null || { echo "FAIL: the merged folder differs from the unsharded one"; exit 1; }
whole=$(secs "$t0" "$t1")
sharded=$(secs "$t1" "$t2")
merge=$(secs "$t2" "$t3")
echo "unsharded, -j 1:             ${whole} s"
echo "2 shards in parallel, -j 1:  ${sharded} s"
echo "merge:                       ${merge} s"
awk -v w="$whole" -v s="$sharded" -v m="$merge" 'BEGIN {
  printf "speed-up: %.2f (target >= 1.8)\n", w / s
  printf "merge: %.1f%% of the unsharded run, %.1f%% of the sharded one (target < 5%%)\n", 100 * m / w, 100 * m / s
}'
echo "merged folder: byte-identical to the unsharded one"

echo "bytes per part (shard 0/2 of the sweep over 4 hours):"
for r in 10 1000; do
  "$bin" sweep scenarios/erlang-c.toml --vary agents.all.count=95..102 --set horizon=4h -r "$r" -q \
    --shard 0/2 --out "$work/size-$r"
  printf "  %5s replications: fold.bin %s bytes, part.json %s bytes\n" "$r" \
    "$(stat -c %s "$work/size-$r/fold.bin")" "$(stat -c %s "$work/size-$r/part.json")"
done
