#!/usr/bin/env python3
"""Runs a routesim command as N shards, one Ray task each, then merges the parts.

    python deploy/ray/run.py --shards 8 --parts PARTS --out OUT -- sweep plan.toml --vary agents.all.count=90..110 -r 100

Task I runs `routesim ARGS... -q -j 1 --shard I/N --out PARTS/part-I` in the
driver's working folder, then the driver runs `routesim merge PARTS --out
OUT`, whose folder is the one `routesim ARGS... --out OUT` writes, byte for
byte. ARGS is a run, sweep or compare command without --out.

ray.init() joins the cluster that --address or RAY_ADDRESS names, or starts
a local one. On a cluster, routesim (--routesim, or ROUTESIM, or `routesim`
on the PATH), the files ARGS names and PARTS must be at the same paths on
every node (a shared filesystem), as for any Ray task that runs a program.

A task whose process dies or whose routesim fails is retried (--max-retries;
Ray also retries a task whose worker or node was lost). A part is written
whole or not at all, and a shard whose part is already there does nothing,
so a retried task, or this driver run again, redoes only what is missing.
A shard refused as bad input (exit 2) is not retried: the driver stops with
its message and exit 2.
"""

import argparse
import os
import subprocess
import sys

import ray


class ShardFailed(Exception):
    """A shard's routesim died or failed other than by bad input; Ray retries it."""


@ray.remote(num_cpus=1)
def shard(routesim, args, index, count, parts, cwd):
    """Runs shard index/count; returns (index, exit status, stderr).

    Raises ShardFailed for a failure worth retrying (a signal, exit 1).
    """
    command = [routesim, *args, "-q", "-j", "1", "--shard", f"{index}/{count}",
               "--out", os.path.join(parts, f"part-{index}")]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):
        raise ShardFailed(f"shard {index}/{count}: exit {done.returncode}: {done.stderr.strip()}")
    return index, done.returncode, done.stderr


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        usage="%(prog)s --shards N --parts PARTS --out OUT [options] -- COMMAND ARGS...",
    )
    parser.add_argument("--shards", type=int, required=True, help="number of shards, N")
    parser.add_argument("--parts", required=True, help="folder for the part folders")
    parser.add_argument("--out", required=True, help="the merged result folder")
    parser.add_argument("--routesim", default=os.environ.get("ROUTESIM", "routesim"),
                        help="the routesim program (default: $ROUTESIM, else routesim)")
    parser.add_argument("--address", default=None,
                        help="Ray cluster to join (default: RAY_ADDRESS, else a local one)")
    parser.add_argument("--max-retries", type=int, default=3,
                        help="retries of a failed shard (default 3)")
    parser.add_argument("-q", "--quiet", action="store_true", help="merge prints no table")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not command or opts.shards < 1:
        parser.error("give --shards N >= 1 and, after --, the routesim command to shard")

    parts = os.path.abspath(opts.parts)
    os.makedirs(parts, exist_ok=True)
    cwd = os.getcwd()
    ray.init(address=opts.address, include_dashboard=False, log_to_driver=False)
    try:
        task = shard.options(max_retries=opts.max_retries, retry_exceptions=[ShardFailed])
        pending = [task.remote(opts.routesim, command, i, opts.shards, parts, cwd)
                   for i in range(opts.shards)]
        failed = []
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            try:
                index, status, stderr = ray.get(ready[0])
            except ray.exceptions.RayError as e:
                failed.append(str(getattr(e, "cause", e)))
                continue
            if stderr:
                sys.stderr.write(stderr)
            if status == 2:
                print(f"run.py: shard {index}/{opts.shards} refused as bad input", file=sys.stderr)
                return 2
    finally:
        ray.shutdown()
    if failed:
        for message in failed:
            print(f"run.py: {message}", file=sys.stderr)
        print(f"run.py: {len(failed)} of {opts.shards} shards failed after retries", file=sys.stderr)
        return 1

    merge = [opts.routesim, "merge", parts, "--out", opts.out] + (["-q"] if opts.quiet else [])
    return subprocess.run(merge, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
