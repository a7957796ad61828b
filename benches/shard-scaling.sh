#!/usr/bin/env bash
# Sharded sweeps against one process (README "Running on a cluster"):
#
# 1. A sweep of 8 variants x 20 replications of scenarios/erlang-c.toml
#    (a week of 90 Erlangs on about 100 agents), unsharded on one thread,
#    then as 2 shards in parallel (one thread each) and merged: the
#    speed-up, the merge's time against the run, and that the merged folder
#    is the unsharded one byte for byte.
# 2. The size of a part (fold.bin and part.json) of the same sweep over
#    4 hours, at 1, 10 and 1,000 replications, for the whole plan as one
#    part and for each of 2 shards: fixed per variant held (every number
#    at a fixed width, every histogram whole), so it does not grow with
#    the replications; a shard's size changes only with the variants its
#    split gives it.
#
# usage: benches/shard-scaling.sh   (run it alone, on a quiet machine: two
# shards in parallel need both cores to themselves)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/routesim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Wall-clock and CPU seconds of one command: `timed FILE CMD...` writes "wall user+sys" to FILE.
timed() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$out.raw" "$@"
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out.raw" >"$out"
}
field() { cut -d' ' -f"$2" "$1"; }

sweep=(sweep scenarios/erlang-c.toml --vary agents.all.count=95..102 -r 20 -q)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: routesim ${sweep[*]}"

timed "$work/t-whole" "$bin" "${sweep[@]}" -j 1 --out "$work/whole"
start=$(date +%s.%N)
timed "$work/t-p0" "$bin" "${sweep[@]}" -j 1 --shard 0/2 --out "$work/parts/p0" &
first=$!
timed "$work/t-p1" "$bin" "${sweep[@]}" -j 1 --shard 1/2 --out "$work/parts/p1" &
second=$!
wait "$first"
wait "$second"
sharded=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
timed "$work/t-merge" "$bin" merge "$work/parts" -q --out "$work/merged"

diff -r "$work/whole" "$work/merged" >/dev/null || { echo "FAIL: the merged folder differs from the unsharded one"; exit 1; }
whole=$(field "$work/t-whole" 1)
merge=$(field "$work/t-merge" 1)
echo "unsharded, -j 1:             ${whole} s (CPU $(field "$work/t-whole" 2) s)"
echo "2 shards in parallel, -j 1:  ${sharded} s (CPU $(field "$work/t-p0" 2) s and $(field "$work/t-p1" 2) s)"
echo "merge:                       ${merge} s"
awk -v w="$whole" -v s="$sharded" -v m="$merge" -v cw="$(field "$work/t-whole" 2)" \
  -v c0="$(field "$work/t-p0" 2)" -v c1="$(field "$work/t-p1" 2)" 'BEGIN {
  printf "speed-up, wall clock: %.2f (target >= 1.8 on two free cores)\n", w / s
  printf "speed-up two free cores would give (unsharded CPU / the longer shard'"'"'s CPU): %.2f\n", cw / (c0 > c1 ? c0 : c1)
  printf "merge: %.1f%% of the unsharded run, %.1f%% of the sharded one (target < 5%%)\n", 100 * m / w, 100 * m / s
}'
echo "merged folder: byte-identical to the unsharded one"

echo "bytes per part (the same sweep over 4 hours; docs/model.md §15.1):"
variants() { grep -o '"variant": *[0-9]*' "$1/part.json" | sort -u | wc -l; }
for shard in 0/1 0/2 1/2; do
  for r in 1 10 1000; do
    dir="$work/size-${shard/\//of}-$r"
    "$bin" sweep scenarios/erlang-c.toml --vary agents.all.count=95..102 --set horizon=4h -r "$r" -q \
      --shard "$shard" --out "$dir"
    bytes=$(stat -c %s "$dir/fold.bin")
    held=$(variants "$dir")
    # postcard's header: the list's length (1 byte), then each of the 8 variants' tag (held or not).
    body=$((bytes - 1 - 8))
    [ $((body % held)) -eq 0 ] || { echo "FAIL: shard $shard at $r replications: $body bytes over $held variants"; exit 1; }
    printf "  shard %s, %4s replications: fold.bin %s bytes = 9 + %s variants held x %s bytes, part.json %s bytes\n" \
      "$shard" "$r" "$bytes" "$held" "$((body / held))" "$(stat -c %s "$dir/part.json")"
  done
done
