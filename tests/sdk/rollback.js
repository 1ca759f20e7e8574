// The documented rollback procedure, as a client runs it, through the official Node SDK.
//
// Usage: node rollback.js HOST:PORT [--edition NAME]   (after `npm install` in tests/sdk)
//
// The same procedure as rollback.py, through @alicloud/ecs20140526: one world loaded through the
// control API under a key pair of its own (an instance Running, its system disk In_use), then the
// ECS API alone — CreateSnapshot and DescribeSnapshots every 0.5 s until `accomplished`;
// StopInstance and DescribeInstances until `Stopped`; ResetDisk; StartInstance and
// DescribeInstances until `Running` — checking on the way that a ResetDisk before the instance is
// `Stopped` is refused (`IncorrectInstanceStatus`), that a CreateSnapshot retried with its
// ClientToken answers the same snapshot, and, in editions that take `DryRun` on StopInstance and
// StartInstance (2022-04-13 on), that a dry run of each answers `DryRunOperation` and changes
// nothing. Last, the world read back through the control API shows the disk reset to the snapshot.
// Prints every state each poll saw and the time each wait took; exits 1 if any check failed.
'use strict';

const crypto = require('node:crypto');
const Ecs = require('@alicloud/ecs20140526');
const OpenApi = require('@alicloud/openapi-core');

const REGION = 'cn-hangzhou';
const INSTANCE = 'i-rollback1';
const DISK = 'd-rollback1';
const POLL_MS = 500;
const WAIT_LIMIT_MS = 60000;
// The first edition whose StopInstance and StartInstance take DryRun (docs/editions.md).
const DRY_RUN_FROM = '2022-04-13';
const results = [];

function check(name, ok, detail) {
  results.push(ok);
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

// A control API call on the world of key pair `key`; the JSON answer, or null.
async function control(endpoint, method, key, body) {
  const r = await fetch(`http://${endpoint}/ecs-conformance/v1/worlds/${key}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

// The code and HTTP status of the error `call` raises, or [null, null] when it succeeds.
async function errorOf(call) {
  try {
    await call();
    return [null, null];
  } catch (e) {
    return [e.code, e.statusCode ?? e.data?.statusCode];
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Calls `read` every POLL_MS until its state's first part is `done`: the states seen, in order,
// and the seconds it took.
async function poll(label, read, done) {
  const start = Date.now();
  const seen = [];
  for (;;) {
    const state = await read();
    if (seen.length === 0 || seen[seen.length - 1].join(' ') !== state.join(' ')) {
      seen.push(state);
      console.log(`      ${label}: ${state.join(' ')}  (after ${((Date.now() - start) / 1000).toFixed(1)} s)`);
    }
    if (state[0] === done || Date.now() - start > WAIT_LIMIT_MS) {
      return [seen, (Date.now() - start) / 1000];
    }
    await sleep(POLL_MS);
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0 || !args[0].includes(':')) {
    console.log('usage: node rollback.js HOST:PORT [--edition NAME]');
    return 2;
  }
  const endpoint = args[0];
  const at = args.indexOf('--edition');
  const edition = at >= 0 ? args[at + 1] : 'latest';
  const dryRuns = edition === 'latest' || edition >= DRY_RUN_FROM;
  const key = `rollback-js-${crypto.randomBytes(4).toString('hex')}`;
  const secret = crypto.randomBytes(16).toString('hex');
  console.log(`rollback through @alicloud/ecs20140526 against ${endpoint} (edition ${edition})`);

  // The one world, loaded through the control API; from here on, the ECS API only.
  await control(endpoint, 'PUT', key, {
    access_key_secret: secret,
    world: {
      instances: [{ instance_id: INSTANCE, status: 'Running' }],
      disks: [{ disk_id: DISK, status: 'In_use', instance_id: INSTANCE }],
    },
  });
  const client = new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    accessKeyId: key, accessKeySecret: secret, endpoint, protocol: 'http', regionId: REGION,
  }));
  const instanceStatus = async () => {
    const r = await client.describeInstances(new Ecs.DescribeInstancesRequest({
      regionId: REGION, instanceIds: JSON.stringify([INSTANCE]),
    }));
    return [r.body.instances.instance[0].status];
  };

  const started = Date.now();
  // 1. The snapshot, and its progress.
  const create = new Ecs.CreateSnapshotRequest({
    diskId: DISK, snapshotName: 'before-rollback', clientToken: crypto.randomUUID(),
    tag: [new Ecs.CreateSnapshotRequestTag({ key: 'ecs-conformance', value: 'rollback' })],
  });
  const snapshot = (await client.createSnapshot(create)).body.snapshotId;
  check('CreateSnapshot', typeof snapshot === 'string' && snapshot.startsWith('s-'), `SnapshotId ${snapshot}`);
  const again = (await client.createSnapshot(create)).body.snapshotId;
  check('CreateSnapshot retried with its ClientToken', again === snapshot, `SnapshotId ${again}, no second snapshot`);
  const snapshotState = async () => {
    const r = await client.describeSnapshots(new Ecs.DescribeSnapshotsRequest({
      regionId: REGION, snapshotIds: JSON.stringify([snapshot]),
    }));
    const s = r.body.snapshots.snapshot[0];
    return [s.status, s.progress];
  };
  let [seen, took] = await poll('DescribeSnapshots', snapshotState, 'accomplished');
  check('the snapshot, polled until accomplished',
    seen[0][0] === 'progressing' && seen[seen.length - 1].join(' ') === 'accomplished 100%',
    `${seen.map((s) => s.join(' ')).join(' -> ')} in ${took.toFixed(1)} s`);

  // 2. The stop.
  if (dryRuns) {
    const got = await errorOf(() => client.stopInstance(
      new Ecs.StopInstanceRequest({ instanceId: INSTANCE, dryRun: true })));
    const still = (await instanceStatus())[0];
    check('StopInstance dry run', got[0] === 'DryRunOperation' && got[1] === 400 && still === 'Running',
      `code=${got[0]} status=${got[1]}, still ${still}`);
  }
  let resp = await client.stopInstance(new Ecs.StopInstanceRequest({ instanceId: INSTANCE }));
  check('StopInstance', resp.statusCode === 200, `status ${resp.statusCode}`);
  const reset = () => client.resetDisk(new Ecs.ResetDiskRequest({ diskId: DISK, snapshotId: snapshot }));
  let got = await errorOf(reset);
  check('ResetDisk before the instance is Stopped', got[0] === 'IncorrectInstanceStatus' && got[1] === 403,
    `code=${got[0]} status=${got[1]}`);
  [seen, took] = await poll('DescribeInstances', instanceStatus, 'Stopped');
  check('the instance, polled until Stopped', seen.map((s) => s[0]).join(' ') === 'Stopping Stopped',
    `${seen.map((s) => s[0]).join(' -> ')} in ${took.toFixed(1)} s`);

  // 3. The reset.
  resp = await reset();
  check('ResetDisk', resp.statusCode === 200, `status ${resp.statusCode}`);

  // 4. The start.
  if (dryRuns) {
    got = await errorOf(() => client.startInstance(
      new Ecs.StartInstanceRequest({ instanceId: INSTANCE, dryRun: true })));
    const still = (await instanceStatus())[0];
    check('StartInstance dry run', got[0] === 'DryRunOperation' && got[1] === 400 && still === 'Stopped',
      `code=${got[0]} status=${got[1]}, still ${still}`);
  }
  resp = await client.startInstance(new Ecs.StartInstanceRequest({ instanceId: INSTANCE }));
  check('StartInstance', resp.statusCode === 200, `status ${resp.statusCode}`);
  [seen, took] = await poll('DescribeInstances', instanceStatus, 'Running');
  check('the instance, polled until Running', seen.map((s) => s[0]).join(' ') === 'Starting Running',
    `${seen.map((s) => s[0]).join(' -> ')} in ${took.toFixed(1)} s`);
  const total = (Date.now() - started) / 1000;

  // The disk is restored: ECS shows no field for it, the control API does.
  const { world } = await control(endpoint, 'GET', key);
  const disk = world.disks.find((d) => d.disk_id === DISK);
  const instance = world.instances.find((x) => x.instance_id === INSTANCE);
  check('the disk, restored to the snapshot (control API)',
    disk.last_reset_snapshot_id === snapshot && instance.status === 'Running',
    `last_reset_snapshot_id ${disk.last_reset_snapshot_id}, instance ${instance.status}`);
  await control(endpoint, 'DELETE', key);

  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed} failed; the procedure took ${total.toFixed(1)} s`);
  return results.every(Boolean) ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.log(`FAIL  the procedure stopped: ${e.name} ${e.code ?? ''} ${e.message}`);
  process.exitCode = 1;
});
