"""The documented rollback procedure, as a client runs it, through the official Python SDK.

Usage: python rollback.py HOST:PORT [--edition NAME]

Against `ecs-conformance mock` (started with `--edition NAME` when one is given): loads one world
through the control API, under a key pair of its own (an instance Running, its system disk In_use),
then uses the ECS API alone, as the reference's "Roll back a disk by using a snapshot" says:
  1. CreateSnapshot, then DescribeSnapshots every 0.5 s until the snapshot is `accomplished`;
  2. StopInstance, then DescribeInstances every 0.5 s until the instance is `Stopped`;
  3. ResetDisk to the snapshot;
  4. StartInstance, then DescribeInstances every 0.5 s until the instance is `Running`;
and checks on the way what a client that does not wait is told: a ResetDisk before the instance is
`Stopped` is refused (`IncorrectInstanceStatus`), and a CreateSnapshot retried with the same
ClientToken answers the same snapshot. Editions that take `DryRun` on StopInstance and
StartInstance (2022-04-13 on) are asked a dry run of each first (`DryRunOperation`, nothing
changes); before, `DryRun` is an unknown parameter that a mock ignores, so the program does not
send it. Last, the world read back through the control API shows the disk reset to the snapshot
and the instance Running. Prints every state each poll saw and the time each wait took; exits 1 if
any check failed.
"""

import json
import sys
import time
import urllib.request
import uuid

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as open_api_models

REGION = "cn-hangzhou"
INSTANCE, DISK = "i-rollback1", "d-rollback1"
POLL_SECONDS, WAIT_LIMIT_SECONDS = 0.5, 60
# The first edition whose StopInstance and StartInstance take DryRun (docs/editions.md).
DRY_RUN_FROM = "2022-04-13"
results = []


def check(name, ok, detail):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


def control(endpoint, method, key, body=None):
    """A control API call on the world of key pair `key`; the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://{endpoint}/ecs-conformance/v1/worlds/{key}", method=method, data=data,
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def error_of(call):
    """The code and HTTP status of the error `call` raises, or (None, None) when it succeeds."""
    try:
        call()
        return None, None
    except Exception as e:  # the SDK's ClientException
        return getattr(e, "code", None), getattr(e, "status_code", None)


def poll(label, read, done):
    """Calls `read` every POLL_SECONDS until it gives `done`: the states seen, in order, and the
    seconds it took."""
    start, seen = time.monotonic(), []
    while True:
        state = read()
        if not seen or seen[-1] != state:
            seen.append(state)
            print(f"      {label}: {' '.join(state)}  (after {time.monotonic() - start:.1f} s)")
        if state[0] == done or time.monotonic() - start > WAIT_LIMIT_SECONDS:
            return seen, time.monotonic() - start
        time.sleep(POLL_SECONDS)


def main():
    args = sys.argv[1:]
    if not args or ":" not in args[0]:
        print(__doc__)
        return 2
    endpoint = args[0]
    edition = args[args.index("--edition") + 1] if "--edition" in args else "latest"
    dry_runs = edition == "latest" or edition >= DRY_RUN_FROM
    key, secret = f"rollback-py-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    print(f"rollback through alibabacloud-ecs20140526 against {endpoint} (edition {edition})")

    # The one world, loaded through the control API; from here on, the ECS API only.
    control(endpoint, "PUT", key, {"access_key_secret": secret, "world": {
        "instances": [{"instance_id": INSTANCE, "status": "Running"}],
        "disks": [{"disk_id": DISK, "status": "In_use", "instance_id": INSTANCE}],
    }})
    client = EcsClient(open_api_models.Config(
        access_key_id=key, access_key_secret=secret, endpoint=endpoint, protocol="http",
        region_id=REGION))

    def instance_status():
        r = client.describe_instances(ecs.DescribeInstancesRequest(
            region_id=REGION, instance_ids=json.dumps([INSTANCE])))
        return (r.body.instances.instance[0].status,)

    started = time.monotonic()
    # 1. The snapshot, and its progress.
    token = str(uuid.uuid4())
    create = ecs.CreateSnapshotRequest(
        disk_id=DISK, snapshot_name="before-rollback", client_token=token,
        tag=[ecs.CreateSnapshotRequestTag(key="ecs-conformance", value="rollback")])
    snapshot = client.create_snapshot(create).body.snapshot_id
    check("CreateSnapshot", bool(snapshot) and snapshot.startswith("s-"), f"SnapshotId {snapshot}")
    again = client.create_snapshot(create).body.snapshot_id
    check("CreateSnapshot retried with its ClientToken", again == snapshot,
          f"SnapshotId {again}, no second snapshot")

    def snapshot_state():
        r = client.describe_snapshots(ecs.DescribeSnapshotsRequest(
            region_id=REGION, snapshot_ids=json.dumps([snapshot])))
        s = r.body.snapshots.snapshot[0]
        return s.status, s.progress

    seen, took = poll("DescribeSnapshots", snapshot_state, "accomplished")
    check("the snapshot, polled until accomplished",
          seen[0][0] == "progressing" and seen[-1] == ("accomplished", "100%"),
          f"{' -> '.join(f'{s} {p}' for s, p in seen)} in {took:.1f} s")

    # 2. The stop.
    if dry_runs:
        got = error_of(lambda: client.stop_instance(
            ecs.StopInstanceRequest(instance_id=INSTANCE, dry_run=True)))
        check("StopInstance dry run", got == ("DryRunOperation", 400) and
              instance_status() == ("Running",), f"code={got[0]} status={got[1]}, still Running")
    resp = client.stop_instance(ecs.StopInstanceRequest(instance_id=INSTANCE))
    check("StopInstance", resp.status_code == 200, f"status {resp.status_code}")
    reset = ecs.ResetDiskRequest(disk_id=DISK, snapshot_id=snapshot)
    got = error_of(lambda: client.reset_disk(reset))
    check("ResetDisk before the instance is Stopped", got == ("IncorrectInstanceStatus", 403),
          f"code={got[0]} status={got[1]}")
    seen, took = poll("DescribeInstances", instance_status, "Stopped")
    check("the instance, polled until Stopped", [s[0] for s in seen] == ["Stopping", "Stopped"],
          f"{' -> '.join(s[0] for s in seen)} in {took:.1f} s")

    # 3. The reset.
    resp = client.reset_disk(reset)
    check("ResetDisk", resp.status_code == 200, f"status {resp.status_code}")

    # 4. The start.
    if dry_runs:
        got = error_of(lambda: client.start_instance(
            ecs.StartInstanceRequest(instance_id=INSTANCE, dry_run=True)))
        check("StartInstance dry run", got == ("DryRunOperation", 400) and
              instance_status() == ("Stopped",), f"code={got[0]} status={got[1]}, still Stopped")
    resp = client.start_instance(ecs.StartInstanceRequest(instance_id=INSTANCE))
    check("StartInstance", resp.status_code == 200, f"status {resp.status_code}")
    seen, took = poll("DescribeInstances", instance_status, "Running")
    check("the instance, polled until Running", [s[0] for s in seen] == ["Starting", "Running"],
          f"{' -> '.join(s[0] for s in seen)} in {took:.1f} s")
    total = time.monotonic() - started

    # The disk is restored: ECS shows no field for it, the control API does.
    world = control(endpoint, "GET", key)["world"]
    disk = next(d for d in world["disks"] if d["disk_id"] == DISK)
    instance = next(x for x in world["instances"] if x["instance_id"] == INSTANCE)
    check("the disk, restored to the snapshot (control API)",
          disk.get("last_reset_snapshot_id") == snapshot and instance["status"] == "Running",
          f"last_reset_snapshot_id {disk.get('last_reset_snapshot_id')}, "
          f"instance {instance['status']}")
    req = urllib.request.Request(
        f"http://{endpoint}/ecs-conformance/v1/worlds/{key}", method="DELETE")
    urllib.request.urlopen(req, timeout=10).close()

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed; the procedure took {total:.1f} s")
    return 0 if all(results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # the SDK's ClientException, or the control API's HTTPError
        print(f"FAIL  the procedure stopped: {type(e).__name__}: {e}")
        sys.exit(1)
