// Official Node SDKs against the standalone mock.
//
// Usage: node check_node_sdks.js HOST:PORT   (after `npm install` in tests/sdk)
//
// Runs ResetDisk through @alicloud/ecs20140526 (signature V3, and V1 with signatureAlgorithm 'v2')
// and @alicloud/pop-core (V1, GET and POST form body), and checks for each: the sample request
// succeeds with an uppercase-UUID RequestId; an unknown disk fails with InvalidDiskId.NotFound
// (status 404); a wrong secret fails with SignatureDoesNotMatch (status 400). With the new SDK,
// `dryRun: true` fails with DryRunOperation (status 400) and leaves the disk as it was (read back
// through the control API), and a real reset right after succeeds.
// Prints one line per check and exits 1 if any failed.
'use strict';

const Ecs = require('@alicloud/ecs20140526');
const OpenApi = require('@alicloud/openapi-core');
const RPCClient = require('@alicloud/pop-core');

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const results = [];

function check(name, ok, detail) {
  results.push(ok);
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

async function expectError(name, call, code, status) {
  try {
    await call();
    check(name, false, 'no error raised');
  } catch (e) {
    const got = e.code;
    const gotStatus = e.statusCode ?? e.entry?.response?.statusCode;
    check(name, got === code && (status === undefined || gotStatus === status),
      `${e.name} code=${got} status=${gotStatus}`);
  }
}

async function newSdk(endpoint, algorithm) {
  const label = `@alicloud/ecs20140526 (${algorithm || 'v3'})`;
  const client = (secret) => {
    const cfg = new OpenApi.$OpenApiUtil.Config({
      accessKeyId: 'testid', accessKeySecret: secret, endpoint, protocol: 'http',
      regionId: 'cn-hangzhou',
    });
    if (algorithm) cfg.signatureAlgorithm = algorithm;
    return new Ecs.default(cfg);
  };
  const reset = (secret, diskId) => client(secret).resetDisk(
    new Ecs.ResetDiskRequest({ diskId, snapshotId: 's-snapshotid1' }));

  const resp = await reset('testsecret', 'd-diskid1');
  const id = resp.body.requestId || '';
  check(`${label} sample`, resp.statusCode === 200 && UUID.test(id), `status ${resp.statusCode}, RequestId ${id}`);
  await expectError(`${label} InvalidDiskId.NotFound`, () => reset('testsecret', 'd-unknown'), 'InvalidDiskId.NotFound', 404);
  await expectError(`${label} SignatureDoesNotMatch`, () => reset('wrong-secret', 'd-diskid1'), 'SignatureDoesNotMatch', 400);
}

// A control API call on the world of 'testid'; the JSON answer, or null.
async function control(endpoint, method, path) {
  const r = await fetch(`http://${endpoint}/ecs-conformance/v1/worlds/testid${path}`, { method });
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

async function lastReset(endpoint, diskId) {
  const { world } = await control(endpoint, 'GET', '');
  return world.disks.find((d) => d.disk_id === diskId).last_reset_snapshot_id ?? null;
}

async function dryRun(endpoint, algorithm) {
  const label = `@alicloud/ecs20140526 (${algorithm || 'v3'}) dry run`;
  await control(endpoint, 'POST', '/reset');
  const cfg = new OpenApi.$OpenApiUtil.Config({
    accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint, protocol: 'http',
    regionId: 'cn-hangzhou',
  });
  if (algorithm) cfg.signatureAlgorithm = algorithm;
  const client = new Ecs.default(cfg);
  const reset = (dry) => client.resetDisk(
    new Ecs.ResetDiskRequest({ diskId: 'd-diskid1', snapshotId: 's-snapshotid1', dryRun: dry }));
  await expectError(`${label} DryRunOperation`, () => reset(true), 'DryRunOperation', 400);
  const after = await lastReset(endpoint, 'd-diskid1');
  check(`${label} changes nothing`, after === null, `last reset after the dry run: ${after}`);
  const resp = await reset(false);
  const then = await lastReset(endpoint, 'd-diskid1');
  check(`${label}, then a real reset`, resp.statusCode === 200 && then === 's-snapshotid1',
    `status ${resp.statusCode}, last reset ${then}`);
}

async function popCore(endpoint, method) {
  const label = `@alicloud/pop-core (${method})`;
  const client = (secret) => new RPCClient({
    accessKeyId: 'testid', accessKeySecret: secret, endpoint: `http://${endpoint}`,
    apiVersion: '2014-05-26',
  });
  const reset = (secret, diskId) => client(secret).request('ResetDisk',
    { RegionId: 'cn-hangzhou', DiskId: diskId, SnapshotId: 's-snapshotid1' }, { method });

  const body = await reset('testsecret', 'd-diskid1');
  check(`${label} sample`, UUID.test(body.RequestId || '') && Object.keys(body).length === 1, JSON.stringify(body));
  await expectError(`${label} InvalidDiskId.NotFound`, () => reset('testsecret', 'd-unknown'), 'InvalidDiskId.NotFound', 404);
  await expectError(`${label} SignatureDoesNotMatch`, () => reset('wrong-secret', 'd-diskid1'), 'SignatureDoesNotMatch', 400);
}

async function main() {
  const endpoint = process.argv[2];
  if (!endpoint || !endpoint.includes(':')) {
    console.log('usage: node check_node_sdks.js HOST:PORT');
    return 2;
  }
  for (const algorithm of [undefined, 'v2']) {
    await newSdk(endpoint, algorithm);
    await dryRun(endpoint, algorithm);
  }
  for (const method of ['GET', 'POST']) await popCore(endpoint, method);
  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  return results.every(Boolean) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
