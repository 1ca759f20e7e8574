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
Then actions other than ResetDisk, which the mock answers from the API metadata (docs/choices.md,
"Every action of the metadata"), through the new SDK (both signatures) and the legacy one:
  - reads: DescribeZones and DescribeInstanceTypes parse into the SDK's models with empty lists;
    DescribeInstanceAttribute shows the world's instance (its id, status, region, typed fields);
  - RebootInstance with DryRun=true raises DryRunOperation (400), and the instance is unchanged;
  - a required parameter left out (RebootInstance without InstanceId) raises MissingInstanceId
    (400); an instance the world does not hold raises the action's InvalidInstanceId.NotFound
    (404);
  - a wrongly typed value, sent through the SDK's generic call API (DescribeZones with
    Verbose=sometimes, where the schema says boolean), raises InvalidParameter (400) naming it;
  - a state-changing call the mock does not model (RebootInstance, ModifyInstanceAttribute,
    DeleteDisk) raises InvalidOperation.NotModelled (403, not retried), and the world is
    unchanged.
Prints one line per check and exits 1 if any failed.
"""

import json
import re
import sys
import urllib.request

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from alibabacloud_tea_util.models import RuntimeOptions
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526.DescribeZonesRequest import DescribeZonesRequest
from aliyunsdkecs.request.v20140526.ResetDiskRequest import ResetDiskRequest
from aliyunsdkecs.request.v20140526.RebootInstanceRequest import RebootInstanceRequest

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


def refused(label, code, status, call):
    """`call()` must raise the SDK's exception with `code` and HTTP `status`."""
    try:
        call()
        check(f"{label} {code}", False, "no exception raised")
    except Exception as e:  # the new SDK's ClientException, the legacy one's ServerException
        if isinstance(e, ServerException):
            got = (e.get_error_code(), e.get_http_status(), e.get_error_msg())
        else:
            got = (getattr(e, "code", None), getattr(e, "status_code", None),
                   getattr(e, "message", ""))
        check(f"{label} {code}", got[:2] == (code, status),
              f"{type(e).__name__} code={got[0]} status={got[1]} message={got[2]!r}")
        return got[2] or ""
    return ""


def answered(label, call):
    """`call()`'s response; an exception is a failed check (and `None`)."""
    try:
        return call()
    except Exception as e:  # the SDK's exceptions
        check(label, False, f"{type(e).__name__}: {e}"[:300])
        return None


def check_every_action(endpoint, algorithm):
    """Actions other than ResetDisk, answered from the API metadata."""
    label = f"alibabacloud-ecs20140526 ({algorithm or 'v3'})"
    client = new_sdk(endpoint, SECRET, algorithm)
    control(endpoint, "POST", "/reset")
    before = control(endpoint, "GET", "")["world"]

    zones = answered(f"{label} DescribeZones", lambda: client.describe_zones(
        ecs_models.DescribeZonesRequest(region_id="cn-hangzhou")))
    if zones:
        check(f"{label} DescribeZones", zones.status_code == 200
              and bool(UUID.match(zones.body.request_id or ""))
              and zones.body.zones is not None and zones.body.zones.zone == [],
              f"status {zones.status_code}, {zones.body.to_map()}")
    types = answered(f"{label} DescribeInstanceTypes", lambda: client.describe_instance_types(
        ecs_models.DescribeInstanceTypesRequest(
            instance_types=["ecs.g6.large", "ecs.g6.xlarge"], minimum_cpu_core_count=2,
            max_results=10)))
    if types:
        check(f"{label} DescribeInstanceTypes", types.status_code == 200
              and types.body.instance_types.instance_type == [] and types.body.next_token == "",
              f"status {types.status_code}, {types.body.to_map()}")
    attribute = answered(f"{label} DescribeInstanceAttribute",
                         lambda: client.describe_instance_attribute(
                             ecs_models.DescribeInstanceAttributeRequest(
                                 instance_id="i-instance1")))
    if attribute:
        b = attribute.body
        check(f"{label} DescribeInstanceAttribute", attribute.status_code == 200
              and (b.instance_id, b.status, b.region_id)
              == ("i-instance1", "Stopped", "cn-hangzhou")
              and isinstance(b.cpu, int) and isinstance(b.enable_jumbo_frame, bool),
              f"status {attribute.status_code}, InstanceId {b.instance_id}, Status {b.status}, "
              f"RegionId {b.region_id}, Cpu {b.cpu!r}, "
              f"EnableJumboFrame {b.enable_jumbo_frame!r}")

    refused(f"{label} RebootInstance DryRun=true", "DryRunOperation", 400,
            lambda: client.reboot_instance(ecs_models.RebootInstanceRequest(
                instance_id="i-instance1", dry_run=True)))
    refused(f"{label} RebootInstance without InstanceId", "MissingInstanceId", 400,
            lambda: client.reboot_instance(ecs_models.RebootInstanceRequest()))
    refused(f"{label} RebootInstance of an unknown instance", "InvalidInstanceId.NotFound", 404,
            lambda: client.reboot_instance(ecs_models.RebootInstanceRequest(
                instance_id="i-unknown")))

    # A boolean the typed model would not let a program get wrong: sent through the SDK's
    # generic call API, as a program with its own parameter handling would send it.
    params = open_api_util_models.Params(
        action="DescribeZones", version="2014-05-26", protocol="HTTP", pathname="/",
        method="POST", auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = open_api_util_models.OpenApiRequest(
        query={"RegionId": "cn-hangzhou", "Verbose": "sometimes"})
    message = refused(f"{label} DescribeZones Verbose=sometimes", "InvalidParameter", 400,
                      lambda: client.call_api(params, request, RuntimeOptions()))
    check(f"{label} the wrong type is named", '"Verbose"' in message
          and "true or false" in message, repr(message))

    for action, call in [
        ("RebootInstance", lambda: client.reboot_instance(
            ecs_models.RebootInstanceRequest(instance_id="i-instance1", force_stop=True))),
        ("ModifyInstanceAttribute", lambda: client.modify_instance_attribute(
            ecs_models.ModifyInstanceAttributeRequest(instance_id="i-instance1",
                                                      instance_name="renamed"))),
        ("DeleteDisk", lambda: client.delete_disk(
            ecs_models.DeleteDiskRequest(disk_id="d-diskid1"))),
    ]:
        message = refused(f"{label} {action}", "InvalidOperation.NotModelled", 403, call)
        check(f"{label} {action} says nothing changed", "nothing was changed" in message,
              repr(message))
    after = control(endpoint, "GET", "")["world"]
    check(f"{label} the world is unchanged", after == before,
          "same world" if after == before else f"{before} -> {after}")


def check_legacy_every_action(host, port):
    """The legacy SDK (V1, its own JSON parsing) on two actions answered from the metadata."""
    label = "aliyun-python-sdk-ecs"
    client = AcsClient(ACCESS_KEY_ID, SECRET, "cn-hangzhou", port=int(port))
    zones = DescribeZonesRequest()
    zones.set_endpoint(host)
    text = answered(f"{label} DescribeZones", lambda: client.do_action_with_exception(zones))
    if text:
        body = json.loads(text)
        check(f"{label} DescribeZones", body.get("Zones") == {"Zone": []}
              and bool(UUID.match(body.get("RequestId", ""))), f"body {body}")
    reboot = RebootInstanceRequest()
    reboot.set_InstanceId("i-instance1")
    reboot.set_endpoint(host)
    refused(f"{label} RebootInstance", "InvalidOperation.NotModelled", 403,
            lambda: client.do_action_with_exception(reboot))


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
    for algorithm in [None, "v2"]:
        check_every_action(endpoint, algorithm)
    check_legacy_every_action(host, port)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
