#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the raw results of run.sh into results.json and junit.xml.

Usage: results.py RESULTS_DIR

RESULTS_DIR/raw/ORDER lists the entries (<test>@<subtest>, or <test>) in
the order they ran; RESULTS_DIR/raw/<entry>/ holds "result" (key=value
lines), "out", "err" and "dmesg". An entry whose result says
state=running never finished: the runner or the machine died during it, and
it counts as a failure ("incomplete").

results.json follows the layout of IGT's runner (igt_resultgen):
{"tests": {"igt@<test>@<subtest>": {"result", "time", "out", "err",
"dmesg", ...}}, "totals": {...}, ...}; "result" is pass, fail or skip here,
with "reason" saying why a failure failed (exit code, crash, timeout,
kernel warning).
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

MAX_TEXT = 256 * 1024
DYNAMIC_RE = re.compile(
    r"^Dynamic subtest (\S+): (SUCCESS|FAIL|SKIP|CRASH|TIMEOUT)", re.M)
DYNAMIC_RESULT = {"SUCCESS": "pass", "SKIP": "skip"}
SKIP_RE = re.compile(r"^(Test requirement: .*|Test requirement not met.*)$",
                     re.M)
# Characters XML 1.0 cannot carry (gputop's ANSI escapes, for one).
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOTAL_KEYS = ("pass", "fail", "skip", "crash", "timeout", "dmesg-warn",
              "dmesg-fail", "warn", "incomplete", "notrun", "abort")


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > MAX_TEXT:
        cut = len(text) - MAX_TEXT
        text = "[... %d characters cut ...]\n" % cut + text[cut:]
    return text


def read_kv(path):
    kv = {}
    for line in read_text(path).splitlines():
        key, sep, value = line.partition("=")
        if sep:
            kv[key] = value
    return kv


def as_float(value, default=0.0):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def time_attr(start, end):
    return {"__type__": "TimeAttribute", "start": start, "end": end}


def load_entry(raw, name):
    d = os.path.join(raw, name)
    kv = read_kv(os.path.join(d, "result"))
    out = read_text(os.path.join(d, "out"))
    start = as_float(kv.get("start"))
    end = as_float(kv.get("end"), start)

    if kv.get("state") != "done":
        result = "fail"
        reason = ("incomplete: the subtest did not finish "
                  "(the runner or the machine died)")
    else:
        result = kv.get("result", "fail")
        reason = kv.get("reason", "")
        if result not in ("pass", "fail", "skip"):
            reason = "unknown result %r" % result
            result = "fail"

    entry = {
        "__type__": "TestResult",
        "result": result,
        "time": time_attr(start, end),
        "out": out,
        "err": read_text(os.path.join(d, "err")),
        "dmesg": read_text(os.path.join(d, "dmesg")),
        "exit_code": int(kv["exit"]) if kv.get("exit", "").lstrip(
            "-").isdigit() else None,
    }
    if reason:
        entry["reason"] = reason
    if result == "skip":
        m = SKIP_RE.findall(entry["out"] + entry["err"])
        if m:
            entry["reason"] = " ".join(m)
    dynamic = {n: DYNAMIC_RESULT.get(r, "fail")
               for n, r in DYNAMIC_RE.findall(out)}
    if dynamic:
        entry["dynamic"] = dynamic
    return entry


def xml_text(text):
    return XML_BAD.sub("?", text)


def junit(tests):
    suites = {}
    for name, entry in tests.items():
        parts = name.split("@")
        suite = parts[1]
        case = parts[2] if len(parts) > 2 else parts[1]
        suites.setdefault(suite, []).append((case, entry))

    root = ET.Element("testsuites", name="nova-igt")
    for suite, cases in suites.items():
        s = ET.SubElement(root, "testsuite", name=suite)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        total = 0.0
        for case, entry in cases:
            t = entry["time"]
            elapsed = max(0.0, t["end"] - t["start"])
            total += elapsed
            c = ET.SubElement(s, "testcase", classname="igt." + suite,
                              name=case, time="%.3f" % elapsed)
            counts["tests"] += 1
            reason = xml_text(entry.get("reason", ""))
            if entry["result"] == "fail":
                counts["failures"] += 1
                f = ET.SubElement(c, "failure", message=reason or "failed")
                f.text = xml_text(entry["dmesg"][-8192:]) \
                    if "kernel problem" in reason else None
            elif entry["result"] == "skip":
                counts["skipped"] += 1
                ET.SubElement(c, "skipped", message=reason or "skipped")
            ET.SubElement(c, "system-out").text = xml_text(entry["out"])
            ET.SubElement(c, "system-err").text = xml_text(
                entry["err"] + ("\n--- dmesg ---\n" + entry["dmesg"]
                                if entry["dmesg"] else ""))
        s.set("tests", str(counts["tests"]))
        s.set("failures", str(counts["failures"]))
        s.set("errors", "0")
        s.set("skipped", str(counts["skipped"]))
        s.set("time", "%.3f" % total)
    return ET.ElementTree(root)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: results.py RESULTS_DIR")
    results = sys.argv[1]
    raw = os.path.join(results, "raw")

    order = []
    for line in read_text(os.path.join(raw, "ORDER")).splitlines():
        if line and line not in order:
            order.append(line)

    tests = {}
    for name in order:
        tests["igt@" + name] = load_entry(raw, name)

    zero = dict.fromkeys(TOTAL_KEYS, 0)
    root_totals = dict(zero)
    totals = {}
    runtimes = {}
    for name, entry in tests.items():
        binary = "igt@" + name.split("@")[1]
        root_totals[entry["result"]] += 1
        totals.setdefault(binary, dict(zero))[entry["result"]] += 1
        t = entry["time"]
        r = runtimes.setdefault(binary, {"time": time_attr(t["start"],
                                                           t["end"])})
        r["time"]["start"] = min(r["time"]["start"], t["start"])
        r["time"]["end"] = max(r["time"]["end"], t["end"])

    run = read_kv(os.path.join(raw, "RUN"))
    run_start = as_float(run.get("start"))
    run_end = as_float(run.get("end"),
                       max([e["time"]["end"] for e in tests.values()],
                           default=run_start))
    u = os.uname()

    doc = {
        "__type__": "TestrunResult",
        "results_version": 10,
        "name": "nova-igt",
        "uname": " ".join((u.sysname, u.nodename, u.release, u.version,
                           u.machine)),
        "time_elapsed": time_attr(run_start, run_end),
        "tests": tests,
        "totals": dict({"": root_totals, "root": root_totals}, **totals),
        "runtimes": runtimes,
    }

    tmp = os.path.join(results, "results.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, os.path.join(results, "results.json"))

    tmp = os.path.join(results, "junit.xml.tmp")
    junit(tests).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, os.path.join(results, "junit.xml"))


if __name__ == "__main__":
    main()
