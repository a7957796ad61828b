# shellcheck shell=bash
# deploy/common.sh: what every deploy/*/check.sh shares. Sourced, not run:
#
#   CHECK=slurm; . "$(dirname "$0")/../common.sh"
#
# It gives each check the sweep it splits (SWEEP, SHARDS), the routesim
# binary (find_routesim: $ROUTESIM, or a release build of this checkout), a
# scratch folder (SCRATCH), clean-up steps run in reverse order on every
# exit (at_exit), installers that fail loudly (apt_install, python_venv) and
# the byte-for-byte comparison with the unsharded run (unsharded,
# same_as_unsharded). A check that cannot install or start what it needs
# fails; none is skipped.

set -euo pipefail
: "${CHECK:?set CHECK before sourcing deploy/common.sh}"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The sweep every check splits: 4 variants x 6 replications of the bundled
# M/M/c scenario over one day (24 jobs), run from the repository's root.
SWEEP=(sweep scenarios/erlang-c.toml --vary agents.all.count=92..98/2 -r 6 --set horizon=1d)
SHARDS=4

say() { printf '== %s: %s\n' "$CHECK" "$*"; }
die() {
  printf '%s check FAILED: %s\n' "$CHECK" "$*" >&2
  exit 1
}

# Clean-up steps, run last-registered first when the script exits for any
# reason (success, failure, Ctrl-C, SIGTERM). Each step is a command line.
CLEANUPS=()
at_exit() { CLEANUPS+=("$1"); }
run_cleanups() {
  local status=$? i
  trap - EXIT INT TERM
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUPS[i]}" || true
  done
  exit "$status"
}
trap run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The scratch folder: removed when the check passes, kept (and named) when
# it fails, for its logs.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/routesim-$CHECK.XXXXXX")
remove_scratch() {
  if [ "${CHECK_PASSED:-0}" = 1 ]; then
    rm -rf "$SCRATCH"
  else
    echo "$CHECK check: scratch folder kept for its logs: $SCRATCH" >&2
  fi
}
at_exit remove_scratch

# as_root CMD...: runs CMD as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root (and sudo is not installed)"
  fi
}

# apt_install PACKAGE...: installs Debian packages, or fails the check.
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: cannot install $*"
  say "apt-get install $*"
  if [ "$APT_UPDATED" = 0 ]; then
    as_root apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    >"$SCRATCH/apt-get.log" 2>&1; then
    tail -n 30 "$SCRATCH/apt-get.log" >&2
    die "apt-get install $* failed"
  fi
}

# have CMD...: true when every CMD is on the PATH.
have() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || return 1; done
}

# python_venv REQUIREMENTS_FILE: a virtual environment under
# target/deploy-venv/$CHECK with the file's packages (pip skips those already
# there, so a second run is quick); sets PYTHON to its interpreter.
python_venv() {
  local req=$1 venv=$REPO/target/deploy-venv/$CHECK py=${DEPLOY_PYTHON:-python3}
  have "$py" || apt_install python3 python3-venv
  if [ ! -x "$venv/bin/python" ]; then
    say "python venv $venv ($("$py" --version 2>&1))"
    mkdir -p "$(dirname "$venv")"
    if ! "$py" -m venv "$venv"; then
      apt_install python3-venv
      rm -rf "$venv"
      "$py" -m venv "$venv" || die "cannot create a virtual environment with $py"
    fi
  fi
  say "pip install -r ${req#"$REPO"/}"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" \
    || die "pip install -r $req failed"
  PYTHON=$venv/bin/python # used by the checks that source this file
  export PYTHON
}

# find_routesim: sets and exports ROUTESIM, the binary to check: $ROUTESIM
# when set, else a release build of this checkout. It must know `merge`.
find_routesim() {
  if [ -n "${ROUTESIM:-}" ]; then
    local found
    found=$(command -v "$ROUTESIM") || die "ROUTESIM=$ROUTESIM: no such program"
    ROUTESIM=$(realpath "$found")
  else
    say "cargo build --release"
    (cd "$REPO" && cargo build --release) || die "cargo build --release failed"
    ROUTESIM=$REPO/target/release/routesim
  fi
  "$ROUTESIM" merge --help >/dev/null 2>&1 \
    || die "$ROUTESIM has no 'merge' command (a routesim from before --shard)"
  export ROUTESIM
  say "routesim: $ROUTESIM ($("$ROUTESIM" --version))"
}

# unsharded: the reference, the whole sweep in one process on one thread,
# into $SCRATCH/unsharded.
unsharded() {
  say "unsharded: routesim ${SWEEP[*]} -j 1"
  (cd "$REPO" && "$ROUTESIM" "${SWEEP[@]}" -j 1 -q --out "$SCRATCH/unsharded") \
    || die "the unsharded sweep failed"
}

# same_as_unsharded PARTS MERGED: PARTS holds the part folders part-0 ..
# part-(SHARDS-1), and the merged folder equals the unsharded one byte for
# byte. Marks the check passed.
same_as_unsharded() {
  local parts=$1 merged=$2 i
  for ((i = 0; i < SHARDS; i++)); do
    [ -f "$parts/part-$i/part.json" ] || die "$parts/part-$i/part.json is missing"
  done
  [ -s "$merged/sweep.csv" ] || die "$merged/sweep.csv is missing or empty"
  diff -r "$SCRATCH/unsharded" "$merged" >&2 \
    || die "the merged folder $merged differs from the unsharded run"
  say "OK: $SHARDS shards through $CHECK, merged: the unsharded folder byte for byte ($(find "$merged" -type f | wc -l) files)"
  CHECK_PASSED=1
}

# routesim_killed_once I: writes $SCRATCH/routesim-killed-once, a routesim
# whose first run of shard I/SHARDS is killed with SIGKILL (then the wrapper
# itself, so the engine sees a task die), and every other run is routesim's.
# The kill comes as soon as a hidden entry named after the part appears
# beside --out (routesim's staging folder: the part half written), or after
# 2 s. A check that hands it to an engine sees the engine retry the shard;
# merge must then ignore whatever the killed run left behind.
routesim_killed_once() {
  cat >"$SCRATCH/routesim-killed-once" <<WRAP
#!/usr/bin/env bash
if [[ " \$* " == *" --shard $1/$SHARDS "* ]] && mkdir "$SCRATCH/killed-once" 2>/dev/null; then
  out=
  prev=
  for a in "\$@"; do [ "\$prev" = --out ] && out=\$a; prev=\$a; done
  "$ROUTESIM" "\$@" &
  pid=\$!
  when="while simulating"
  for _ in \$(seq 1000); do
    if compgen -G "\$(dirname "\$out")/.\$(basename "\$out")*" >/dev/null; then
      when="while writing its part"
      break
    fi
    kill -0 "\$pid" 2>/dev/null || break
    sleep 0.002
  done
  kill -KILL "\$pid" 2>/dev/null || when="too late: it had finished"
  echo "\$when" >"$SCRATCH/killed-once/when"
  kill -KILL \$\$
fi
exec "$ROUTESIM" "\$@"
WRAP
  chmod +x "$SCRATCH/routesim-killed-once"
}

# was_killed_once: the wrapper did kill a shard (so the retry was exercised);
# says when.
was_killed_once() {
  [ -f "$SCRATCH/killed-once/when" ] || die "no shard was killed: the engine's retry was not exercised"
  say "the shard's first attempt was killed $(cat "$SCRATCH/killed-once/when")"
}
