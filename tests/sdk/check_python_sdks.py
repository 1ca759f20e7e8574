"""Official Python SDKs against the standalone mock.

Usage: python check_python_sdks.py HOST:PORT

Runs ResetDisk through the new SDK (alibabacloud-ecs20140526: signature V3, and V1 with
signature_algorithm='v2') and the legacy SDK (aliyun-python-sdk-ecs: V1, POST with the query),
and checks, for each:
  - the sample request succeeds with a RequestId (an uppercase UUID);
  - an unknown disk raises InvalidDiskId.NotFound with HTTP status 404;
  - a wrong secret raises SignatureDoesNotMatch (400). The legacy SDK compares the server's
    string-to-sign with its own and, when they are equal, reports InvalidAccessKeySecret: that is
    the answer expected from it, since it proves the mock's message carries the exact string;
  - (new SDK) reset_disk(..., dry_run=True) raises DryRunOperation (400) and leaves the disk as it
    was (read back through the control API), and a real reset right after succeeds.
Prints one line per check and exits 1 if any failed.
"""

import json
import re
import sys
import urllib.request

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as open_api_models
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526.ResetDiskRequest import ResetDiskRequest

UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
ACCESS_KEY_ID = "testid"
SECRET = "testsecret"
results = []


def check(name, ok, detail):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


def new_sdk(endpoint, secret, algorithm):
    cfg = open_api_models.Config(
        access_key_id=ACCESS_KEY_ID,
        access_key_secret=secret,
        endpoint=endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    if algorithm:
        cfg.signature_algorithm = algorithm
    return EcsClient(cfg)


def check_new_sdk(endpoint, algorithm):
    label = f"alibabacloud-ecs20140526 ({algorithm or 'v3'})"

    def reset(client, disk):
        return client.reset_disk(
            ecs_models.ResetDiskRequest(disk_id=disk, snapshot_id="s-snapshotid1")
        )

    resp = reset(new_sdk(endpoint, SECRET, algorithm), "d-diskid1")
    request_id = resp.body.request_id or ""
    check(f"{label} sample", resp.status_code == 200 and bool(UUID.match(request_id)),
          f"status {resp.status_code}, RequestId {request_id}")

    for disk, secret, code, status in [
        ("d-unknown", SECRET, "InvalidDiskId.NotFound", 404),
        ("d-diskid1", "wrong-secret", "SignatureDoesNotMatch", 400),
    ]:
        try:
            reset(new_sdk(endpoint, secret, algorithm), disk)
            check(f"{label} {code}", False, "no exception raised")
        except Exception as e:  # the SDK's ClientException
            got = (getattr(e, "code", None), getattr(e, "status_code", None))
            check(f"{label} {code}", got == (code, status),
                  f"{type(e).__name__} code={got[0]} status={got[1]}")


def control(endpoint, method, path):
    """A control API call on the world of ACCESS_KEY_ID; the JSON answer, or None."""
    url = f"http://{endpoint}/ecs-conformance/v1/worlds/{ACCESS_KEY_ID}{path}"
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
    return json.loads(text) if text else None


def last_reset(endpoint, disk):
    world = control(endpoint, "GET", "")["world"]
    return next(d.get("last_reset_snapshot_id") for d in world["disks"] if d["disk_id"] == disk)


def check_dry_run(endpoint, algorithm):
    label = f"alibabacloud-ecs20140526 ({algorithm or 'v3'}) dry run"
    control(endpoint, "POST", "/reset")
    client = new_sdk(endpoint, SECRET, algorithm)
    request = ecs_models.ResetDiskRequest(
        disk_id="d-diskid1", snapshot_id="s-snapshotid1", dry_run=True
    )
    try:
        client.reset_disk(request)
        check(f"{label} DryRunOperation", False, "no exception raised")
    except Exception as e:  # the SDK's ClientException
        got = (getattr(e, "code", None), getattr(e, "status_code", None))
        check(f"{label} DryRunOperation", got == ("DryRunOperation", 400),
              f"{type(e).__name__} code={got[0]} status={got[1]}")
    after = last_reset(endpoint, "d-diskid1")
    check(f"{label} changes nothing", after is None, f"last reset after the dry run: {after}")
    request.dry_run = False
    resp = client.reset_disk(request)
    after = last_reset(endpoint, "d-diskid1")
    check(f"{label}, then a real reset", resp.status_code == 200 and after == "s-snapshotid1",
          f"status {resp.status_code}, last reset {after}")


def check_legacy_sdk(host, port):
    label = "aliyun-python-sdk-ecs"

    def reset(secret, disk):
        client = AcsClient(ACCESS_KEY_ID, secret, "cn-hangzhou", port=int(port))
        req = ResetDiskRequest()
        req.set_DiskId(disk)
        req.set_SnapshotId("s-snapshotid1")
        req.set_endpoint(host)
        return client.do_action_with_exception(req)

    body = json.loads(reset(SECRET, "d-diskid1"))
    request_id = body.get("RequestId", "")
    check(f"{label} sample", bool(UUID.match(request_id)) and len(body) == 1,
          f"body {body}")

    for disk, secret, code, status in [
        ("d-unknown", SECRET, "InvalidDiskId.NotFound", 404),
        ("d-diskid1", "wrong-secret", "InvalidAccessKeySecret", 400),
    ]:
        try:
            reset(secret, disk)
            check(f"{label} {code}", False, "no exception raised")
        except ServerException as e:
            got = (e.get_error_code(), e.get_http_status())
            check(f"{label} {code}", got == (code, status),
                  f"ServerException code={got[0]} status={got[1]}")


def main():
    if len(sys.argv) != 2 or ":" not in sys.argv[1]:
        print(__doc__)
        return 2
    endpoint = sys.argv[1]
    host, port = endpoint.rsplit(":", 1)
    for algorithm in [None, "v2"]:
        check_new_sdk(endpoint, algorithm)
        check_dry_run(endpoint, algorithm)
    check_legacy_sdk(host, port)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
