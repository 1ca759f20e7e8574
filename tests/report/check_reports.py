"""Reads a certification report's machine files with real consumers, as a CI system would.

junit.xml through junitparser (the JUnit XML parser on PyPI), cucumber.json as Cucumber JSON,
report.md as text, and results.json as the project's schema. Checks that junit.xml and
cucumber.json agree with results.json on what ran and what failed, and that each says, for every
scenario, what results.json says of it: every counted failure fails there with each of its counted
findings, every waived scenario is skipped in junit.xml naming its waivers, every scenario not run
is left out (those formats cannot say "not run") unless its setup got no answer, every scenario
left unjudged by a silent endpoint is an error in junit.xml, and no other scenario fails. report.md must show
every failure with each finding and answer, every waived scenario, every scenario not run under
its cause with the cause's count, and every scenario of other editions under the editions it
judges. No file may hold the run's secret or a request signature.

Usage: check_reports.py REPORT_DIR SECRET
"""
import json
import pathlib
import re
import sys

from junitparser import JUnitXml, Failure, Error, Skipped

report = pathlib.Path(sys.argv[1])
secret = sys.argv[2]
problems = []

junit = JUnitXml.fromfile(str(report / "junit.xml"))
cases = [case for suite in junit for case in suite]
junit_failed = [c for c in cases if any(isinstance(r, (Failure, Error)) for r in c.result)]

cucumber = json.loads((report / "cucumber.json").read_text())
elements = [e for f in cucumber for e in f.get("elements", []) if e.get("type") == "scenario"]
cucumber_failed = [
    e for e in elements
    if any(s.get("result", {}).get("status") == "failed" for s in e.get("steps", []))
]

results = json.loads((report / "results.json").read_text())
assert results["schema"] == "ecs-conformance/results/v1", results["schema"]
scenarios = results["scenarios"]
# Those formats cannot say "not run": a scenario not run is left out, unless its setup got no
# answer (that fails the run, and shows there).
def omitted(s):
    return s["outcome"] == "not-run" and s.get("cause") != "setup-no-answer"


def silent(s):
    return s["outcome"] == "no-answer" or s.get("cause") == "setup-no-answer"


ran = [s for s in scenarios if not omitted(s)]
counted = [s for s in scenarios if s["counted"]]
waived = [s for s in scenarios if s.get("waived_by")]

if len(cases) != len(ran):
    problems.append(f"junit.xml has {len(cases)} test cases, results.json {len(ran)} scenarios that ran")
if len(elements) != len(ran):
    problems.append(f"cucumber.json has {len(elements)} scenarios, results.json {len(ran)} that ran")
if len(junit_failed) != len(counted):
    problems.append(f"junit.xml fails {len(junit_failed)}, results.json counts {len(counted)} failures")
# Cucumber JSON cannot say "waived": a waived scenario's step failed there, as it did in the run.
if len(cucumber_failed) != len(counted) + len(waived):
    problems.append(
        f"cucumber.json fails {len(cucumber_failed)}, results.json counts {len(counted)} failures "
        f"and {len(waived)} waived"
    )

# Scenario by scenario: what each file says of it, against results.json.
LEVELS = ["documented", "observed", "chosen"]
fail_on = LEVELS.index(results["run"]["fail_on"])


def strip_location(text, prefixes):
    """`Scenario: NAME: features/f.feature:3:5` (or a suite's `Feature: NAME: features/…`) → NAME."""
    for p in prefixes:
        if text.startswith(p):
            text = text[len(p):]
            break
    return re.sub(r": features/[^:]*(:\d+:\d+)?$", "", text)


junit_by = {}
for suite in junit:
    feature = strip_location(suite.name, ["Feature: "])
    for case in suite:
        name = strip_location(case.name, ["Scenario Outline: ", "Scenario: "])
        junit_by[(feature, name)] = case
cucumber_by = {
    (f["name"], e["name"]): e
    for f in cucumber for e in f.get("elements", []) if e.get("type") == "scenario"
}

for s in scenarios:
    key = (s["feature"], s["name"])
    label = f"{s['feature']} / {s['name']}"
    case, element = junit_by.get(key), cucumber_by.get(key)
    if omitted(s):
        if case is not None or element is not None:
            problems.append(f"{label}: not run in results.json, yet junit.xml or cucumber.json lists it")
        continue
    if case is None or element is None:
        problems.append(f"{label}: {s['outcome']} in results.json, missing from junit.xml or cucumber.json")
        continue
    failures = [r for r in case.result if isinstance(r, (Failure, Error))]
    skips = [r for r in case.result if isinstance(r, Skipped)]
    errors = "\n".join(
        st["result"].get("error_message", "")
        for st in element.get("steps", [])
        if st.get("result", {}).get("status") == "failed"
    )
    findings = [f for f in s["findings"] if LEVELS.index(f["level"]) <= fail_on]
    if s.get("waived_by"):
        message = skips[0].message if skips else ""
        reasons = [results["run"]["waivers"][i] for i in s["waived_by"]]
        if failures or not message.startswith("waived: ") or not all(
            w["reason"] in message and w["issue"] in message for w in reasons
        ):
            problems.append(f"{label}: waived in results.json, but junit.xml says {case.result!r}")
    elif silent(s):
        message = "\n".join((r.message or "") for r in failures if isinstance(r, Error))
        if not message or (s.get("reason") or "") not in message:
            problems.append(f"{label}: left unjudged in results.json; junit.xml must say so as an error with its reason")
    elif s["counted"]:
        message = "\n".join((r.message or "") + (r.text or "") for r in failures)
        missing = [
            f"[{f['level']}] {f['problem']}" for f in findings
            if f"[{f['level']}] {f['problem']}" not in message
            or f"[{f['level']}] {f['problem']}" not in errors
        ]
        if not failures or not findings or missing:
            problems.append(
                f"{label}: failed at {s['failed_at']} in results.json; junit.xml and cucumber.json "
                f"must fail it with each counted finding, missing {missing}"
            )
    elif failures or skips or errors:
        problems.append(f"{label}: {s['outcome']} (not counted) in results.json, yet a failure or skip elsewhere")

# report.md: every failure with its findings and answers, every waived scenario, every cause.
md = (report / "report.md").read_text()


def md_cell(text):
    return text.replace("|", "\\|").replace("\n", "<br>")


def section(text, heading):
    """The text after `heading` up to the next heading of its level or above."""
    at = text.find(heading)
    if at < 0:
        return None
    rest = text[at + len(heading):]
    ends = [m.start() for m in re.finditer(r"\n#{1,3} ", rest)]
    return rest[: ends[0]] if ends else rest


shown_failures = [s for s in scenarios if s["failed_at"] and not s.get("waived_by")]
headings = re.findall(r"^### \[", md, flags=re.M)
if len(headings) != len(shown_failures):
    problems.append(f"report.md shows {len(headings)} failures, results.json has {len(shown_failures)}")
for s in shown_failures:
    label = f"{s['feature']} / {s['name']}"
    body = section(md, f"\n### [{s['failed_at']}] {label}\n")
    if body is None:
        problems.append(f"report.md: no failure section for {label} [{s['failed_at']}]")
        continue
    for f in s["findings"]:
        row = f"| {f['level']} | `{f['expectation']}` | {md_cell(f['problem'])} |"
        if row not in body:
            problems.append(f"report.md: {label} lacks its finding {row}")
    for x in (x for x in s["exchanges"] if not x["setup"]):
        if x["body"].replace("```", "`\u200b``") not in body:
            problems.append(f"report.md: {label} lacks the answer {x['body'][:80]!r}")
for s in waived:
    line = md_cell(f"waived: {s['feature']} / {s['name']} [")
    by = [f"waiver {i + 1} (" for i in s["waived_by"]]
    lines = [l for l in md.splitlines() if line in l]
    if not lines or not all(b in lines[0] for b in by):
        problems.append(f"report.md: the waived {s['feature']} / {s['name']} is not listed with {by}")


def cause_group(reason):
    """The summary's grouping of setup causes: `[N]` indices and UUIDs masked."""
    reason = re.sub(r"\[\d+\]", "[]", reason)
    return re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<uuid>", reason)


# Scenarios not run for the gated edition for a reason of their own are listed under "Not run";
# those the gated edition does not judge (cause other-edition) ran, and are listed under "Of
# other editions". Each by its reason, with the reason's count.
not_run_total = 0
cause_total = 0
for title, of_other in (("Not run", False), ("Of other editions", True)):
    groups = {}
    for s in scenarios:
        if s["outcome"] == "not-run" and (s.get("cause") == "other-edition") == of_other:
            reason = s.get("reason") or "(no reason)"
            if s.get("cause") in ("setup", "setup-no-answer"):
                reason = cause_group(reason)
            groups.setdefault(reason, []).append(s)
    listed_md = section(md, f"\n## {title}\n") or ""
    for reason, group in groups.items():
        body = section(listed_md, f"\n**{reason}** ({len(group)}):\n")
        if body is not None:
            body = body.split("\n**")[0]
        if body is None:
            problems.append(f"report.md: {title}: the cause {reason!r} is not listed with its count {len(group)}")
            continue
        listed = [l[2:] for l in body.splitlines() if l.startswith("- ")]
        want = [f"{s['feature']} / {s['name']}" for s in group]
        if sorted(listed) != sorted(want):
            problems.append(f"report.md: {title}: under {reason!r} it lists {len(listed)} scenarios, results.json {len(want)}")
    if len(groups) != listed_md.count("\n**"):
        problems.append(f"report.md: {title}: it lists {listed_md.count(chr(10) + '**')} causes, results.json {len(groups)}")
    not_run_total += sum(len(g) for g in groups.values())
    cause_total += len(groups)

# The depth map: every action of run.actions, its counts adding up to its scenarios of the gated
# edition, and each one's line in report.md's depth map.
actions = results["run"].get("actions") or []
not_modelled_total = 0
if actions:
    mapped = section(md, "## Depth map")
    if mapped is None:
        problems.append("report.md has no depth map, results.json has one")
    for a in actions:
        failed = a["failed_documented"] + a["failed_observed"] + a["failed_chosen"]
        if a["passed"] + failed + a["not_run"] != a["scenarios"]:
            problems.append(f"results.json: {a['action']}'s counts do not add up to its scenarios")
        if a["depth"] not in ("behaviour", "shape", "not-claimed"):
            problems.append(f"results.json: {a['action']} has the depth {a['depth']!r}")
        row = f" | `{a['action']}` | {a['depth']} | {a['scenarios']} | {a['passed']} | {a['failed_documented']} |"
        if mapped is not None and row not in mapped:
            problems.append(f"report.md's depth map lacks {row}")
    if len({a["action"] for a in actions}) != len(actions):
        problems.append("results.json: an action is twice in the depth map")
    # The rows not modelled (run.actions[].not_modelled, optional): each with its reason, and each
    # action's part in report.md, titled with their number, listing each row's status and code.
    for a in actions:
        rows = a.get("not_modelled") or []
        if not rows:
            continue
        title = f"### {a['action']}: {len(rows)} row{'' if len(rows) == 1 else 's'} not modelled"
        part = section(md, title)
        if part is None:
            problems.append(f"report.md lacks {title!r}")
        for n in rows:
            if not isinstance(n.get("status"), int) or not n.get("code") or not n.get("reason", "").strip():
                problems.append(f"results.json: {a['action']}: a row not modelled without status, code or reason: {n}")
            line = f"| {n['status']} | `{n['code']}` | "
            if part is not None and line not in part:
                problems.append(f"report.md: {title}: lacks {line}")
        if part is not None and part.count("\n| ") - 1 != len(rows):
            problems.append(f"report.md: {title}: lists {part.count(chr(10) + '| ') - 1} rows, results.json {len(rows)}")
    not_modelled_total = sum(len(a.get("not_modelled") or []) for a in actions)

for path in sorted(report.iterdir()):
    text = path.read_text(errors="replace")
    if secret in text:
        problems.append(f"{path.name} holds the secret")
    if re.search(r"Signature=[A-Za-z0-9%+/=]{8,}|Signature=[0-9a-f]{64}", text):
        problems.append(f"{path.name} holds a request signature")

print(
    f"reports: {len(cases)} JUnit test cases ({len(junit_failed)} failed), "
    f"{len(elements)} Cucumber scenarios ({len(cucumber_failed)} failed), "
    f"{len(scenarios)} results ({len(counted)} counted failures, {len(waived)} waived, "
    f"{not_run_total} not run or of other editions in {cause_total} causes), a depth map of "
    f"{len(actions)} actions ({not_modelled_total} rows not modelled) — each found as "
    f"results.json says in junit.xml, cucumber.json and report.md; no secret, no signature"
)
for p in problems:
    print(f"✘ {p}")
sys.exit(1 if problems else 0)
