#!/usr/bin/env python3
"""Runs the container of a Kubernetes Job manifest on this machine, as its pod would.

deploy/kubernetes/check.sh uses it so that the check runs what the manifest
says, not a copy of it:

    run_local.py shards.yaml --index 2 --program routesim=BIN --mount /data=DIR --mount /scenarios=DIR
    run_local.py merge.yaml --program routesim=BIN --mount /data=DIR
    run_local.py shards.yaml --unsharded OUT --program routesim=BIN --mount ...

The Job's one container is run as the kubelet would start it: its environment
is built from `env` in order, each value's $(VAR) expanded from the entries
before it, and JOB_COMPLETION_INDEX appended for an Indexed Job (as the Job
controller does); then $(VAR) is expanded in `command` and `args` from that
environment ($$ gives a $, an undefined $(VAR) stays as written). Each
volumeMount's path becomes the host folder given with --mount (every mount
needs one), and the program named with --program becomes that file. For an
Indexed Job a `--shard` argument must read INDEX/completions.

--unsharded OUT runs the same command without its `--shard` and with `--out
OUT`: the unsharded run the merged parts must equal.

The exit status is the command's; 2 for a manifest this runner cannot run.
"""

import argparse
import os
import shlex
import subprocess
import sys

import yaml


class ManifestError(Exception):
    """A manifest this runner cannot run, with the reason."""


def expand(text, env):
    """Expands $(VAR) in text from env as Kubernetes does.

    $$ is an escaped $, $(VAR) of an undefined VAR is kept as written, and a $
    before anything else is kept.

    >>> expand("--out=/data/part-$(JOB_COMPLETION_INDEX)", {"JOB_COMPLETION_INDEX": "3"})
    '--out=/data/part-3'
    >>> expand("$(I)/$(N) $(UNSET) $$(I) $$$(I) $x $", {"I": "0", "N": "4"})
    '0/4 $(UNSET) $(I) $0 $x $'
    >>> expand("$(I", {"I": "0"})
    '$(I'
    """
    out = []
    i = 0
    while i < len(text):
        if text[i] == "$" and i + 1 < len(text):
            after = text[i + 1]
            if after == "$":
                out.append("$")
                i += 2
                continue
            if after == "(":
                close = text.find(")", i + 2)
                if close != -1:
                    name = text[i + 2 : close]
                    out.append(env.get(name, text[i : close + 1]))
                    i = close + 1
                    continue
            out.append("$" + after)
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def load_job(path):
    """The one Job in the manifest file."""
    with open(path, encoding="utf-8") as f:
        jobs = [d for d in yaml.safe_load_all(f) if d and d.get("kind") == "Job"]
    if len(jobs) != 1:
        raise ManifestError(f"{path}: holds {len(jobs)} Jobs, not one")
    return jobs[0]


def container_env(container, index):
    """The container's environment as the kubelet builds it."""
    env = {}
    for entry in container.get("env", []):
        name = entry["name"]
        if "value" in entry:
            env[name] = expand(str(entry["value"]), env)
        elif "valueFrom" in entry:
            raise ManifestError(f"env {name}: valueFrom cannot be resolved outside a cluster")
        else:
            env[name] = ""
    if index is not None:
        env.setdefault("JOB_COMPLETION_INDEX", str(index))
    return env


def host_path(arg, mounts):
    """arg with a volumeMount's path at its start replaced by the host folder."""
    for inside, outside in mounts.items():
        if arg == inside or arg.startswith(inside.rstrip("/") + "/"):
            return outside + arg[len(inside) :]
    return arg


def unsharded(argv, out):
    """argv without its --shard I/N and with --out OUT."""
    result = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--shard":
            skip = True
        elif arg == "--out":
            result += ["--out", out]
            skip = True
        else:
            result.append(arg)
    if "--out" not in result:
        raise ManifestError("the command has no --out to replace")
    return result


def command_line(job, args):
    """The host command line and environment of the manifest's container."""
    spec = job["spec"]
    pod = spec["template"]["spec"]
    containers = pod["containers"]
    if len(containers) != 1:
        raise ManifestError(f"the pod has {len(containers)} containers, not one")
    container = containers[0]

    indexed = spec.get("completionMode") == "Indexed"
    completions = spec.get("completions")
    index = args.index
    if indexed:
        if index is None:
            if args.unsharded is None:
                raise ManifestError("an Indexed Job: give --index")
            index = 0
        if not 0 <= index < completions:
            raise ManifestError(f"--index {index}: spec.completions is {completions}")
    elif index is not None:
        raise ManifestError("--index given, but the Job is not Indexed")

    env = container_env(container, index)
    argv = [expand(str(a), env) for a in container.get("command", []) + container.get("args", [])]
    if not argv:
        raise ManifestError("the container has no command: the image's would run")

    if indexed and "--shard" in argv:
        shard = argv[argv.index("--shard") + 1]
        if shard != f"{index}/{completions}":
            raise ManifestError(f"--shard is {shard}, not {index}/{completions} (spec.completions)")

    declared = {m["mountPath"] for m in container.get("volumeMounts", [])}
    given = dict(m.split("=", 1) for m in args.mount)
    missing = declared - given.keys()
    if missing:
        raise ManifestError(f"no --mount for {', '.join(sorted(missing))}")
    extra = given.keys() - declared
    if extra:
        raise ManifestError(f"--mount for {', '.join(sorted(extra))}, which the container does not mount")
    if "workingDir" in container:
        raise ManifestError("workingDir is not supported: use absolute paths under the mounts")
    argv = [host_path(a, given) for a in argv]

    programs = dict(p.split("=", 1) for p in args.program)
    argv[0] = programs.get(argv[0], argv[0])
    if args.unsharded is not None:
        argv = unsharded(argv, args.unsharded)
    return argv, env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--index", type=int, help="JOB_COMPLETION_INDEX of an Indexed Job")
    parser.add_argument("--mount", action="append", default=[], metavar="PATH=DIR",
                        help="host folder for the volumeMount at PATH")
    parser.add_argument("--program", action="append", default=[], metavar="NAME=FILE",
                        help="host program for the container's command NAME")
    parser.add_argument("--unsharded", metavar="OUT",
                        help="run without --shard, writing to OUT")
    args = parser.parse_args()

    try:
        argv, env = command_line(load_job(args.manifest), args)
    except (ManifestError, KeyError, TypeError, ValueError, OSError, yaml.YAMLError) as e:
        print(f"run_local.py: {args.manifest}: {e}", file=sys.stderr)
        return 2
    print(f"$ {shlex.join(argv)}", file=sys.stderr, flush=True)
    status = subprocess.run(argv, env={**os.environ, **env}, check=False).returncode
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    sys.exit(main())
