"""The anchor of `routesim schedule` (issue 20): pyworkforce's
MinRequiredResources (OR-Tools CP-SAT) given the same requirement and the
same shift patterns, both rosters' paid hours and solve times side by side,
and each roster's service level as routesim simulates it.

Run through benches/pyworkforce-anchor.sh, which installs pyworkforce into
a virtual environment and runs `routesim schedule` first. Not run in CI
(it needs OR-Tools from PyPI).

Usage: pyworkforce_anchor.py ROUTESIM SCENARIO SCHEDULE_FOLDER WORK_DIR PRINTED

- PRINTED is the text `routesim schedule` printed for SCHEDULE_FOLDER: the
  solve time is read from it (summary.json holds no seconds, so that the
  folder is the same bytes on every run).

- The requirement is `coverage.csv`'s `required` column of the schedule
  folder: agents logged in per team and half hour of the week, as `staff`
  answers it.
- The shifts are the scenario's `[[shift]]` patterns: every length and every
  start on the pattern's grid. pyworkforce covers each day on its own (a
  shift is a 0/1 mask over the day's periods), so a shift crossing midnight
  is left out, and it has no days off and no planned statuses: its roster
  asks N agents of a shift on a day, whoever they are.
- Each roster is simulated by `routesim run` on the same independent seed
  with 20 replications: the team's groups replaced by one group per shift,
  a week-long staffing array of its agents per day, and the pattern's
  planned statuses in their windows after the shift's start.
"""

import csv
import json
import re
import os
import shutil
import subprocess
import sys
import time
import tomllib

import tomli_w
from pyworkforce.scheduling import MinRequiredResources


def seconds(text):
    """A duration such as "8h30m", "30m", "45s" in seconds."""
    total, number = 0.0, ""
    for ch in text.strip():
        if ch.isdigit() or ch == ".":
            number += ch
        else:
            total += float(number) * {"h": 3600, "m": 60, "s": 1, "d": 86400}[ch]
            number = ""
    return total + (float(number) if number else 0.0)


def clock(text):
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def hhmm(secs):
    secs = int(round(secs))
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}"


def requirement(folder):
    """Per team, the 7 × periods requirement from coverage.csv."""
    need = {}
    with open(os.path.join(folder, "coverage.csv"), newline="") as f:
        for row in csv.DictReader(f):
            need.setdefault(row["team"], []).append(int(float(row["required"])))
    return need


def shifts_of(scenario, team, interval):
    """Every (name, start seconds, length seconds, pattern) the team's patterns allow within one day."""
    out = []
    for p in scenario.get("shift", []):
        if p["team"] != team:
            continue
        lengths = p.get("lengths") or [p["length"]]
        lo, hi = (clock(x) for x in p["start"].split("-"))
        step = seconds(p.get("start_step", "")) if p.get("start_step") else interval
        t = lo
        while t <= hi:
            for length in lengths:
                secs = seconds(length)
                if t + secs <= 86400:
                    out.append((f"{p['name']}-{hhmm(t)}-{length}", t, secs, p))
            t += step
    return out


def solve(scenario, need, interval):
    """pyworkforce's answer per team: [(shift, start, length, pattern, counts per day)], its wall time."""
    periods = int(86400 // interval)
    answer, spent, statuses = {}, 0.0, {}
    for team, week in need.items():
        shifts = shifts_of(scenario, team, interval)
        coverage = {}
        for name, start, length, _ in shifts:
            first, last = int(start // interval), int((start + length) // interval)
            coverage[name] = [1 if first <= k < last else 0 for k in range(periods)]
        days = len(week) // periods
        required = [week[d * periods:(d + 1) * periods] for d in range(days)]
        cost = {name: length / 3600.0 for name, _, length, _ in shifts}
        problem = MinRequiredResources(
            num_days=days,
            periods=periods,
            shifts_coverage=coverage,
            required_resources=required,
            max_period_concurrency=10_000,
            max_shift_concurrency=500,
            cost_dict=cost,
            max_search_time=120.0,
            num_search_workers=2,
        )
        started = time.perf_counter()
        solution = problem.solve()
        spent += time.perf_counter() - started
        statuses[team] = solution["status"]
        if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
            sys.exit(f"pyworkforce found no roster for team {team}: {solution['status']}")
        counts = {}
        for r in solution["resources_shifts"]:
            counts.setdefault(r["shift"], [0] * days)[r["day"]] = r["resources"]
        answer[team] = [(n, s, l, p, counts.get(n, [0] * days)) for n, s, l, p in shifts]
    return answer, spent, statuses


def roster_scenario(scenario, answer, interval, path):
    """The scenario with each team's groups replaced by pyworkforce's roster."""
    periods = int(86400 // interval)
    doc = dict(scenario)
    teams = set(answer)
    doc["agents"] = [g for g in scenario.get("agents", []) if g["team"] not in teams]
    doc.pop("shift", None)
    for team, shifts in answer.items():
        for name, start, length, pattern, per_day in shifts:
            if not any(per_day):
                continue
            array = []
            for n in per_day:
                first, last = int(start // interval), int((start + length) // interval)
                array.extend(n if first <= k < last else 0 for k in range(periods))
            group = {"name": f"pwf-{name}", "team": team, "staffing": array}
            planned = []
            for s in pattern.get("schedule", []):
                a, b = (seconds(x) for x in s["after"].split("-"))
                planned.append({
                    "status": s["status"],
                    "window": f"{hhmm(start + a)}-{hhmm(start + b)}",
                    "duration": s["duration"],
                })
            if planned:
                group["schedule"] = planned
            doc["agents"].append(group)
    with open(path, "wb") as f:
        tomli_w.dump(doc, f)


def paid_hours(answer):
    return sum(l / 3600.0 * sum(per_day) for shifts in answer.values() for _, _, l, _, per_day in shifts)


def simulated(routesim, scenario_path, seed, out):
    """Per queue: (judged intervals meeting the target, judged intervals)."""
    subprocess.run(
        [routesim, "run", scenario_path, "--seed", str(seed), "-r", "20", "-q", "--no-report", "--out", out],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    met = {}
    with open(os.path.join(out, "intervals.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["scope"] != "queue" or row["target_met"] == "":
                continue
            m = met.setdefault(row["name"], [0, 0])
            m[0] += row["target_met"] == "true"
            m[1] += 1
    return met


def main():
    routesim, scenario_path, folder, work, printed = sys.argv[1:6]
    with open(scenario_path, "rb") as f:
        scenario = tomllib.load(f)
    interval = seconds(scenario.get("interval", "30m"))
    need = requirement(folder)
    answer, pwf_seconds, statuses = solve(scenario, need, interval)
    os.makedirs(work, exist_ok=True)
    # The roster scenario reads the forecast beside it, as the original does.
    here = os.path.dirname(os.path.abspath(scenario_path))
    forecast = scenario.get("forecast")
    if isinstance(forecast, dict):
        forecast = forecast.get("file")
    if forecast:
        shutil.copy(os.path.join(here, forecast), os.path.join(work, os.path.basename(forecast)))
        if isinstance(scenario["forecast"], dict):
            scenario["forecast"]["file"] = os.path.basename(forecast)
        else:
            scenario["forecast"] = os.path.basename(forecast)
    pwf_path = os.path.join(work, "pyworkforce-roster.toml")
    roster_scenario(scenario, answer, interval, pwf_path)

    with open(os.path.join(folder, "summary.json")) as f:
        ours = json.load(f)
    seed = ours["validation"]["seed"]
    ours_paid = float(ours["paid_hours"])
    # The solve time is printed, not written (it differs from run to run).
    with open(printed) as f:
        found = re.search(r"branch-and-bound nodes, ([0-9.]+) s:", f.read())
    ours_seconds = float(found.group(1)) if found else float("nan")
    ours_met = simulated(routesim, os.path.join(folder, "scenario.toml"), seed, os.path.join(work, "ours"))
    pwf_met = simulated(routesim, pwf_path, seed, os.path.join(work, "pyworkforce"))
    required_hours = sum(sum(w) for w in need.values()) * interval / 3600.0

    queues = sorted(set(ours_met) | set(pwf_met))
    print(f"requirement: {required_hours:.1f} agent-hours logged in over the week")
    head = ["roster", "paid hours", "solve s"] + [f"{q} meets target" for q in queues]
    rows = [
        ["routesim schedule", f"{ours_paid:.1f}", f"{ours_seconds:.2f}"]
        + [f"{ours_met[q][0]} of {ours_met[q][1]}" for q in queues],
        ["pyworkforce MinRequiredResources", f"{paid_hours(answer):.1f}", f"{pwf_seconds:.2f}"]
        + [f"{pwf_met[q][0]} of {pwf_met[q][1]}" for q in queues],
    ]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(f"(simulated by routesim on seed {seed}, 20 replications; judged half hours per queue)")
    print("pyworkforce's CP-SAT status per team: " + ", ".join(f"{t} {s}" for t, s in statuses.items()))
    program = ours["program"]
    print(
        f"routesim's program: {float(program['paid_hours']):.1f} paid hours against its LP bound "
        f"{float(program['lower_bound']):.1f} (gap {100 * float(program['gap']):.1f}%), "
        f"{'proven optimal' if program['optimal'] else 'not proven optimal'} "
        f"(stopped by its {program['stopped_by']} after {program['nodes']} branch-and-bound nodes)"
    )


if __name__ == "__main__":
    main()
