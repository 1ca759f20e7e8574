"""Reads a certification report's machine files with real consumers, as a CI system would.

junit.xml through junitparser (the JUnit XML parser on PyPI), cucumber.json as Cucumber JSON, and
results.json as the project's schema; checks that the three agree on what ran and what failed,
and that no file holds the run's secret or a request signature.

Usage: check_reports.py REPORT_DIR SECRET
"""
import json
import pathlib
import re
import sys

from junitparser import JUnitXml, Failure, Error

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
ran = [s for s in results["scenarios"] if s["outcome"] != "not-run"]
counted = [s for s in results["scenarios"] if s["counted"]]

if len(cases) != len(ran):
    problems.append(f"junit.xml has {len(cases)} test cases, results.json {len(ran)} scenarios that ran")
if len(elements) != len(ran):
    problems.append(f"cucumber.json has {len(elements)} scenarios, results.json {len(ran)} that ran")
if len(junit_failed) != len(counted):
    problems.append(f"junit.xml fails {len(junit_failed)}, results.json counts {len(counted)} failures")
if len(cucumber_failed) != len(counted):
    problems.append(f"cucumber.json fails {len(cucumber_failed)}, results.json counts {len(counted)}")

for path in sorted(report.iterdir()):
    text = path.read_text(errors="replace")
    if secret in text:
        problems.append(f"{path.name} holds the secret")
    if re.search(r"Signature=[A-Za-z0-9%+/=]{8,}|Signature=[0-9a-f]{64}", text):
        problems.append(f"{path.name} holds a request signature")

print(
    f"reports: {len(cases)} JUnit test cases ({len(junit_failed)} failed), "
    f"{len(elements)} Cucumber scenarios ({len(cucumber_failed)} failed), "
    f"{len(results['scenarios'])} results ({len(counted)} counted failures); no secret, no signature"
)
for p in problems:
    print(f"✘ {p}")
sys.exit(1 if problems else 0)
