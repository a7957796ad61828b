#!/usr/bin/env python3
"""Runs a routesim command as N shards, one Dask task each, then merges the parts.

    python deploy/dask/run.py --shards 8 --parts PARTS --out OUT -- sweep plan.toml --vary agents.all.count=90..110 -r 100

Task I runs `routesim ARGS... -q -j 1 --shard I/N --out PARTS/part-I` in the
driver's working folder, then the driver runs `routesim merge PARTS --out
OUT`, whose folder is the one `routesim ARGS... --out OUT` writes, byte for
byte. ARGS is a run, sweep or compare command without --out.

Without --scheduler the tasks run on a distributed.LocalCluster of --workers
processes (one thread each) on loopback; with --scheduler ADDRESS they run
on that cluster's workers, which must see routesim (--routesim, or ROUTESIM,
or `routesim` on the PATH), the files ARGS names and PARTS at the same paths
(a shared filesystem). For a Slurm or PBS cluster, start the workers with
dask-jobqueue and call run() (see deploy/README.md).

A task whose routesim dies or fails is retried (--retries). A part is
written whole or not at all, and a shard whose part is already there does
nothing, so a retried task, or this driver run again, redoes only what is
missing. A shard refused as bad input (exit 2) is not retried: the driver
stops with its message and exit 2.
"""

import argparse
import os
import subprocess
import sys

from distributed import Client, LocalCluster, as_completed


class ShardFailed(Exception):
    """A shard's routesim died or failed other than by bad input; Dask retries it."""


def shard(index, routesim, command, count, parts, cwd):
    """Runs shard index/count; returns (index, exit status, stderr).

    Raises ShardFailed for a failure worth retrying (a signal, exit 1).
    """
    argv = [routesim, *command, "-q", "-j", "1", "--shard", f"{index}/{count}",
            "--out", os.path.join(parts, f"part-{index}")]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):
        raise ShardFailed(f"shard {index}/{count}: exit {done.returncode}: {done.stderr.strip()}")
    return index, done.returncode, done.stderr


def run(client, routesim, command, shards, parts, out, retries=3, quiet=False):
    """Runs the shards of command on client's cluster, then merges; returns an exit status."""
    parts = os.path.abspath(parts)
    os.makedirs(parts, exist_ok=True)
    cwd = os.getcwd()
    futures = client.map(
        shard, range(shards), key=[f"routesim-shard-{i}-of-{shards}" for i in range(shards)],
        pure=False, retries=retries,
        routesim=routesim, command=command, count=shards, parts=parts, cwd=cwd,
    )
    failed = []
    for future in as_completed(futures):
        if future.status == "error":
            failed.append(str(future.exception()))
            continue
        index, status, stderr = future.result()
        if stderr:
            sys.stderr.write(stderr)
        if status == 2:
            print(f"run.py: shard {index}/{shards} refused as bad input", file=sys.stderr)
            client.cancel(futures)
            return 2
    if failed:
        for message in failed:
            print(f"run.py: {message}", file=sys.stderr)
        print(f"run.py: {len(failed)} of {shards} shards failed after retries", file=sys.stderr)
        return 1
    merge = [routesim, "merge", parts, "--out", out] + (["-q"] if quiet else [])
    return subprocess.run(merge, check=False).returncode


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
    parser.add_argument("--scheduler", default=None,
                        help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="LocalCluster worker processes (default: one per core)")
    parser.add_argument("--retries", type=int, default=3,
                        help="retries of a failed shard (default 3)")
    parser.add_argument("-q", "--quiet", action="store_true", help="merge prints no table")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not command or opts.shards < 1:
        parser.error("give --shards N >= 1 and, after --, the routesim command to shard")

    def go(client):
        return run(client, opts.routesim, command, opts.shards, opts.parts, opts.out,
                   retries=opts.retries, quiet=opts.quiet)

    if opts.scheduler:
        with Client(opts.scheduler) as client:
            return go(client)
    with LocalCluster(n_workers=opts.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        return go(client)


if __name__ == "__main__":
    sys.exit(main())
