import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { libcloudFixtures } from '@overcast/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The structural comparison is shared with the DigitalOcean emulator's tests.
import { missingStructure } from '../digitalocean/shape';
import { type GceSim, startGceSim } from './index';

const fixtureDir = libcloudFixtures('gce');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtureDir, name), 'utf8'));

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const EMAIL = 'sync@proj-a.iam.gserviceaccount.com';

function assertion(
  email: string,
  privateKey = keys.privateKey,
  claims: Record<string, unknown> = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: email, aud: 'x', iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
}

describe('Compute Engine emulator', () => {
  let sim: GceSim;
  let token: string;
  const P = '/compute/v1/projects/proj-a';

  const exchange = (a: string, grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer') =>
    fetch(sim.tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: grant, assertion: a }),
    });

  const call = async (method: string, p: string, body?: unknown, bearer = token) => {
    const res = await fetch(`${sim.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };

  const waitDone = async (zone: string, op: { name: string }) =>
    (await call('POST', `${P}/zones/${zone}/operations/${op.name}/wait`)).json;

  beforeAll(async () => {
    sim = await startGceSim({
      serviceAccounts: [
        { email: EMAIL, projects: ['proj-a'], publicKey: keys.publicKey },
        { email: 'other@proj-b.iam.gserviceaccount.com', projects: ['proj-b'] },
      ],
      projects: [
        { id: 'proj-a', instances: 40, namePrefix: 'vm' },
        { id: 'proj-b', instances: 3 },
      ],
      provisionMs: 20,
      stopMs: 20,
      operationMs: 10,
    });
    const res = await exchange(assertion(EMAIL));
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => sim.close());

  describe('OAuth token endpoint', () => {
    it('issues a bearer token for a known, correctly signed service account', async () => {
      const res = await exchange(assertion(EMAIL));
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
      expect(String(body.access_token)).toMatch(/^ya29\./);
    });

    it('refuses unknown accounts, bad signatures, stale claims and other grants', async () => {
      const unknown = await exchange(assertion('ghost@nowhere.iam.gserviceaccount.com'));
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'Invalid grant: account not found',
      });
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      expect(await (await exchange(assertion(EMAIL, otherKey as never))).json()).toMatchObject({
        error_description: 'Invalid JWT Signature.',
      });
      const stale = await exchange(assertion(EMAIL, keys.privateKey, { iat: 1_000, exp: 4_600 }));
      expect(((await stale.json()) as { error_description: string }).error_description).toMatch(
        /short-lived/,
      );
      expect((await exchange(assertion(EMAIL), 'password')).status).toBe(400);
      expect((await exchange('not.a.jwt')).status).toBe(400);
      expect((await exchange('')).status).toBe(400);
    });

    it('answers tokens it did not issue with 401 in Compute Engine words', async () => {
      const res = await call('GET', `${P}/zones`, undefined, 'ya29.forged');
      expect(res.status).toBe(401);
      expect(res.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
      expect(res.json.error.errors[0]).toMatchObject({ reason: 'authError', domain: 'global' });
      expect(res.json.error.message).toMatch(/^Request had invalid authentication credentials/);
    });

    it('keeps service accounts to their own projects', async () => {
      const res = await call('GET', '/compute/v1/projects/proj-b/aggregated/instances');
      expect(res.status).toBe(403);
      expect(res.json.error.message).toBe(
        "Required 'compute.instances.list' permission for 'projects/proj-b'",
      );
    });
  });

  describe('has the structure of the recorded responses', () => {
    it('aggregated instances, scoped, with warnings for empty scopes', async () => {
      const page = (await call('GET', `${P}/aggregated/instances?maxResults=3`)).json;
      const rec = fixture('aggregated_instances.json');
      expect(missingStructure({ ...rec, items: undefined }, page)).toEqual([]);
      expect(page.nextPageToken).toEqual(expect.any(String));
      const withInstances = Object.values(page.items).find((s) => (s as { instances?: unknown }).instances);
      const empty = Object.values(page.items).find((s) => (s as { warning?: unknown }).warning);
      expect(missingStructure(rec.items['zones/us-central1-a'], withInstances)).toEqual([]);
      expect(missingStructure(rec.items['zones/europe-west1-b'], empty)).toEqual([]);
      const one = (withInstances as { instances: unknown[] }).instances[0];
      expect(missingStructure(fixture('zones_us-central1-a_instances_node-name.json'), one)).toEqual([]);
    });

    it('aggregated disks and machine types, zones, images', async () => {
      const disks = (await call('GET', `${P}/aggregated/disks`)).json;
      const recDisks = fixture('aggregated_disks.json');
      expect(missingStructure({ ...recDisks, items: undefined }, disks)).toEqual([]);
      const someDisks = Object.values(disks.items).find((s) => (s as { disks?: unknown }).disks);
      expect(
        missingStructure(recDisks.items['zones/us-central1-a'], someDisks, '$', ['$.disks[].labels']),
      ).toEqual([]);

      const types = (await call('GET', `${P}/aggregated/machineTypes`)).json;
      const recTypes = fixture('aggregated_machineTypes.json');
      expect(missingStructure({ ...recTypes, items: undefined, nextPageToken: undefined }, types)).toEqual(
        [],
      );
      expect(
        missingStructure(recTypes.items['zones/us-central1-a'], types.items['zones/us-central1-a']),
      ).toEqual([]);

      const zones = (await call('GET', `${P}/zones`)).json;
      expect(
        missingStructure(fixture('zones.json'), zones, '$', [
          '$.items[].deprecated',
          '$.items[].maintenanceWindows',
        ]),
      ).toEqual([]);
      const debian = (await call('GET', '/compute/v1/projects/debian-cloud/global/images')).json;
      expect(
        missingStructure(fixture('projects_debian-cloud_global_images.json'), debian, '$', [
          '$.items[].rawDisk',
        ]),
      ).toEqual([]);
    });

    it('operations, before and after they finish', async () => {
      const op = (await call('POST', `${P}/zones/us-central1-a/instances/vm-000000/reset`)).json;
      expect(
        missingStructure(fixture('zones_us-central1-a_instances_node-name_reset_post.json'), op),
      ).toEqual([]);
      const done = await waitDone('us-central1-a', op);
      expect(done.status).toBe('DONE');
      expect(
        missingStructure(
          fixture('operations_operation_zones_us-central1-a_instances_node-name_reset_post.json'),
          done,
        ),
      ).toEqual([]);
      const missing = await call('GET', `${P}/zones/us-central1-a/instances/nope`);
      expect(missing.status).toBe(404);
      expect(missingStructure(fixture('global_images_family_notfound.json'), missing.json)).toEqual([]);
      expect(missing.json.error.message).toBe(
        "The resource 'projects/proj-a/zones/us-central1-a/instances/nope' was not found",
      );
    });
  });

  it('pages aggregated lists with maxResults and pageToken', async () => {
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const q = `maxResults=7${pageToken ? `&pageToken=${pageToken}` : ''}`;
      const page = (await call('GET', `${P}/aggregated/instances?${q}`)).json;
      for (const scope of Object.values(page.items) as Array<{ instances?: Array<{ name: string }> }>) {
        names.push(...(scope.instances ?? []).map((i) => i.name));
      }
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(6);
    expect(new Set(names).size).toBe(40);
    expect((await call('GET', `${P}/aggregated/instances?pageToken=garbage`)).status).toBe(400);
    expect((await call('GET', `${P}/aggregated/instances?maxResults=501`)).status).toBe(400);
  });

  it('runs the instance lifecycle: insert, stop, start, labels, rename, delete', async () => {
    const zone = 'europe-west1-b';
    // Long enough to read the instance while it provisions, however busy the machine is.
    const timing = sim.project('proj-a').timing;
    const quick = timing.provisionMs;
    timing.provisionMs = 1_000;
    const insert = await call('POST', `${P}/zones/${zone}/instances`, {
      name: 'web-1',
      machineType: `zones/${zone}/machineTypes/e2-small`,
      disks: [
        {
          boot: true,
          autoDelete: true,
          initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' },
        },
      ],
      networkInterfaces: [
        {
          network: 'global/networks/default',
          accessConfigs: [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }],
        },
      ],
      labels: { env: 'prod' },
      metadata: { items: [{ key: 'startup-script', value: 'echo hi' }] },
    });
    expect(insert.status).toBe(200);
    expect(insert.json).toMatchObject({
      kind: 'compute#operation',
      operationType: 'insert',
      status: 'RUNNING',
    });
    const url = `${P}/zones/${zone}/instances/web-1`;
    expect((await call('GET', url)).json.status).toBe('PROVISIONING');
    timing.provisionMs = quick;
    await waitDone(zone, insert.json);
    await new Promise((r) => setTimeout(r, 45));
    const running = (await call('GET', url)).json;
    expect(running.status).toBe('RUNNING');
    expect(running.networkInterfaces[0].accessConfigs[0].natIP).toMatch(/^127\.3[2-9]\./);
    expect(running.metadata.items).toEqual([{ key: 'startup-script', value: 'echo hi' }]);
    const disk = (await call('GET', `${P}/zones/${zone}/disks/web-1`)).json;
    expect(disk.sourceImage).toBe(
      'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20240611',
    );
    expect(disk.licenses).toEqual([
      'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/licenses/debian-12-bookworm',
    ]);

    expect((await call('POST', `${url}/setName`, { name: 'web-2', currentName: 'web-1' })).status).toBe(400);
    await waitDone(zone, (await call('POST', `${url}/stop`)).json);
    const stopped = (await call('GET', url)).json;
    expect(stopped.status).toBe('TERMINATED');
    expect(stopped.networkInterfaces[0].accessConfigs[0].natIP).toBeUndefined();

    const stale = await call('POST', `${url}/setLabels`, {
      labels: { env: 'dev' },
      labelFingerprint: 'wrong',
    });
    expect(stale.status).toBe(412);
    await call('POST', `${url}/setLabels`, {
      labels: { env: 'dev' },
      labelFingerprint: stopped.labelFingerprint,
    });
    await waitDone(
      zone,
      (await call('POST', `${url}/setName`, { name: 'web-2', currentName: 'web-1' })).json,
    );
    const renamed = (await call('GET', `${P}/zones/${zone}/instances/web-2`)).json;
    expect(renamed.labels).toEqual({ env: 'dev' });
    expect((await call('GET', `${P}/zones/${zone}/disks/web-1`)).json.users[0]).toMatch(/instances\/web-2$/);

    await waitDone(zone, (await call('POST', `${P}/zones/${zone}/instances/web-2/start`)).json);
    await new Promise((r) => setTimeout(r, 30));
    expect((await call('GET', `${P}/zones/${zone}/instances/web-2`)).json.status).toBe('RUNNING');
    await waitDone(zone, (await call('DELETE', `${P}/zones/${zone}/instances/web-2`)).json);
    await new Promise((r) => setTimeout(r, 30));
    expect((await call('GET', `${P}/zones/${zone}/instances/web-2`)).status).toBe(404);
    // The boot disk was auto-delete.
    expect((await call('GET', `${P}/zones/${zone}/disks/web-1`)).status).toBe(404);
  });

  it('attaches and detaches disks, failing the operation when a disk is taken', async () => {
    const zone = 'us-central1-a';
    const made = (
      await call('POST', `${P}/zones/${zone}/disks`, {
        name: 'data',
        sizeGb: '50',
        type: `zones/${zone}/diskTypes/pd-ssd`,
      })
    ).json;
    await waitDone(zone, made);
    const source = `projects/proj-a/zones/${zone}/disks/data`;
    await waitDone(
      zone,
      (await call('POST', `${P}/zones/${zone}/instances/vm-000000/attachDisk`, { source })).json,
    );
    const inUse = await waitDone(
      zone,
      (await call('POST', `${P}/zones/${zone}/instances/vm-000014/attachDisk`, { source })).json,
    );
    expect(inUse.error.errors[0].code).toBe('RESOURCE_IN_USE_BY_ANOTHER_RESOURCE');
    expect(inUse.httpErrorStatusCode).toBe(400);
    expect((await call('DELETE', `${P}/zones/${zone}/disks/data`)).json.error.errors[0].reason).toBe(
      'resourceInUseByAnotherResource',
    );
    await waitDone(
      zone,
      (await call('POST', `${P}/zones/${zone}/instances/vm-000000/detachDisk?deviceName=data`)).json,
    );
    await waitDone(zone, (await call('DELETE', `${P}/zones/${zone}/disks/data`)).json);
    await new Promise((r) => setTimeout(r, 20));
    expect((await call('GET', `${P}/zones/${zone}/disks/data`)).status).toBe(404);
  });

  it('takes, lists, reads and deletes disk snapshots through zonal and global operations', async () => {
    const vm = [...sim.project('proj-a').instances.values()].find((i) => i.name === 'vm-000003')!;
    const disk = `${P}/zones/${vm.zone}/disks/${vm.disks[0]!.diskName}`;
    const labels = { 'overcast-machine': vm.id };
    const op = (await call('POST', `${disk}/createSnapshot`, { name: 'snap-a', description: 'a', labels }))
      .json;
    expect(op).toMatchObject({
      kind: 'compute#operation',
      operationType: 'createSnapshot',
      zone: expect.any(String),
    });
    expect((await waitDone(vm.zone, op)).status).toBe('DONE');
    const again = await call('POST', `${disk}/createSnapshot`, { name: 'snap-a' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe(
      "The resource 'projects/proj-a/global/snapshots/snap-a' already exists",
    );
    await waitDone(vm.zone, (await call('POST', `${disk}/createSnapshot`, { name: 'snap-b' })).json);

    const all = (await call('GET', `${P}/global/snapshots?maxResults=1`)).json;
    expect(all).toMatchObject({ kind: 'compute#snapshotList', items: [{ name: 'snap-a' }] });
    expect(all.nextPageToken).toBeTruthy();
    const filter = encodeURIComponent(`labels.overcast-machine="${vm.id}"`);
    const mine = (await call('GET', `${P}/global/snapshots?filter=${filter}`)).json;
    expect(mine.items.map((x: { name: string }) => x.name)).toEqual(['snap-a']);
    expect((await call('GET', `${P}/global/snapshots?filter=name%20~%20x`)).status).toBe(400);
    expect((await call('GET', `${P}/global/snapshots/snap-a`)).json).toMatchObject({
      status: 'READY',
      labels,
      diskSizeGb: String(sim.project('proj-a').getDisk(vm.zone, vm.disks[0]!.diskName).sizeGb),
      sourceDisk: expect.stringContaining(`/zones/${vm.zone}/disks/`),
    });

    const deleted = (await call('DELETE', `${P}/global/snapshots/snap-a`)).json;
    expect(deleted.selfLink).toContain('/global/operations/');
    expect((await call('POST', `${P}/global/operations/${deleted.name}/wait`)).json.status).toBe('DONE');
    const gone = await call('GET', `${P}/global/snapshots/snap-a`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.errors[0].reason).toBe('notFound');
    expect(
      (await call('POST', `${P}/zones/${vm.zone}/disks/nope/createSnapshot`, { name: 'x' })).status,
    ).toBe(404);
    expect((await call('POST', `${disk}/createSnapshot`, { name: 'Bad Name' })).status).toBe(400);
  });

  it('makes a disk from a READY snapshot, and swaps the boot disk only of a TERMINATED instance', async () => {
    const project = sim.project('proj-a');
    const vm = [...project.instances.values()].find((i) => i.name === 'vm-000005')!;
    project.mutateInstance(vm.zone, vm.name, { status: 'RUNNING' });
    const [boot] = vm.disks;
    const at = `${P}/zones/${vm.zone}/instances/${vm.name}`;
    // Long enough to be refused while the snapshot is still CREATING, however busy the machine is.
    const quick = project.timing.operationMs;
    project.timing.operationMs = 1_000;
    const taken = (
      await call('POST', `${P}/zones/${vm.zone}/disks/${boot!.diskName}/createSnapshot`, {
        name: 'snap-boot',
      })
    ).json;
    const fromSnapshot = (name: string, extra: Record<string, unknown> = {}) =>
      call('POST', `${P}/zones/${vm.zone}/disks`, {
        name,
        sourceSnapshot: 'global/snapshots/snap-boot',
        ...extra,
      });
    const creating = await fromSnapshot('early');
    expect(creating.status).toBe(400);
    expect(creating.json.error.errors[0]).toMatchObject({
      reason: 'resourceNotReady',
      message: "The resource 'projects/proj-a/global/snapshots/snap-boot' is not ready",
    });
    project.timing.operationMs = quick;
    await waitDone(vm.zone, taken);
    await new Promise((r) => setTimeout(r, 15));

    const size = project.snapshots.get('snap-boot').diskSizeGb;
    const refusals = [
      [{ sourceSnapshot: 'global/snapshots/nope' }, 404, 'notFound'],
      [{ sourceSnapshot: 'projects/proj-b/global/snapshots/snap-boot' }, 404, 'notFound'],
      [{ sizeGb: String(size - 1) }, 400, 'invalid'],
      [{ sourceImage: 'projects/debian-cloud/global/images/family/debian-12' }, 400, 'invalid'],
    ] as const;
    for (const [extra, status, reason] of refusals) {
      const refused = await fromSnapshot('refused', extra);
      expect(refused.status).toBe(status);
      expect(refused.json.error.errors[0].reason).toBe(reason);
    }
    expect(project.disks.has(`${vm.zone}/refused`)).toBe(false);
    await waitDone(
      vm.zone,
      (
        await fromSnapshot('restored', {
          sourceSnapshot: `https://www.googleapis.com/compute/v1/projects/proj-a/global/snapshots/snap-boot`,
        })
      ).json,
    );
    expect((await call('GET', `${P}/zones/${vm.zone}/disks/restored`)).json).toMatchObject({
      sizeGb: String(size),
      sourceSnapshot: 'https://www.googleapis.com/compute/v1/projects/proj-a/global/snapshots/snap-boot',
      sourceSnapshotId: project.snapshots.get('snap-boot').id,
    });
    // As in Compute Engine, a disk made from a snapshot names no image, even one whose snapshot was
    // taken of a disk made from an image; the image's licenses are all that carry over.
    const original = (await call('GET', `${P}/zones/${vm.zone}/disks/${boot!.diskName}`)).json;
    expect(original.sourceImage).toMatch(/\/projects\/[a-z-]+-cloud\/global\/images\//);
    expect(original.licenses).toEqual([
      expect.stringMatching(/\/projects\/[a-z-]+-cloud\/global\/licenses\//),
    ]);
    const snapshotJson = (await call('GET', `${P}/global/snapshots/snap-boot`)).json;
    expect(snapshotJson.licenses).toEqual(original.licenses);
    expect(snapshotJson).not.toHaveProperty('sourceImage');
    const restored = (await call('GET', `${P}/zones/${vm.zone}/disks/restored`)).json;
    expect(restored.licenses).toEqual(original.licenses);
    expect(restored).not.toHaveProperty('sourceImage');
    expect(restored).not.toHaveProperty('sourceImageId');

    const running = await call('POST', `${at}/detachDisk?deviceName=${boot!.deviceName}`);
    expect(running.status).toBe(400);
    expect(running.json.error.errors[0]).toMatchObject({
      reason: 'resourceNotReady',
      message: `The resource 'projects/proj-a/zones/${vm.zone}/instances/${vm.name}' is not ready: Cannot have a boot disk detached while the instance is RUNNING; stop it first.`,
    });
    project.mutateInstance(vm.zone, vm.name, { status: 'TERMINATED' });
    await waitDone(vm.zone, (await call('POST', `${at}/detachDisk?deviceName=${boot!.deviceName}`)).json);
    const source = `projects/proj-a/zones/${vm.zone}/disks/restored`;
    await waitDone(
      vm.zone,
      (await call('POST', `${at}/attachDisk`, { source, deviceName: boot!.deviceName, boot: true })).json,
    );
    const disks = (await call('GET', at)).json.disks;
    expect(disks[0]).toMatchObject({
      boot: true,
      deviceName: boot!.deviceName,
      source: expect.stringMatching(/\/disks\/restored$/),
    });
    const second = await call('POST', `${at}/attachDisk`, {
      source: `projects/proj-a/zones/${vm.zone}/disks/${boot!.diskName}`,
      deviceName: 'other',
      boot: true,
    });
    expect(second.status).toBe(400);
    expect(second.json.error.message).toContain('already has a boot disk');
  });

  it('changes the machine type only of a TERMINATED instance', async () => {
    const vm = [...sim.project('proj-a').instances.values()].find((i) => i.name === 'vm-000004')!;
    const at = `${P}/zones/${vm.zone}/instances/${vm.name}`;
    const machineType = `zones/${vm.zone}/machineTypes/n2-standard-4`;
    const running = await call('POST', `${at}/setMachineType`, { machineType });
    expect(running.status).toBe(400);
    expect(running.json.error.errors[0]).toMatchObject({
      reason: 'resourceNotReady',
      message: `The resource 'projects/proj-a/zones/${vm.zone}/instances/${vm.name}' is not ready`,
    });
    await waitDone(vm.zone, (await call('POST', `${at}/stop`)).json);
    await new Promise((r) => setTimeout(r, 30));
    const unknown = await call('POST', `${at}/setMachineType`, { machineType: 'zones/x/machineTypes/nope' });
    expect(unknown.status).toBe(400);
    const done = await waitDone(vm.zone, (await call('POST', `${at}/setMachineType`, { machineType })).json);
    expect(done).toMatchObject({ status: 'DONE', operationType: 'setMachineType' });
    expect((await call('GET', at)).json.machineType).toMatch(/\/machineTypes\/n2-standard-4$/);
  });

  it('serves 429/500/503 bursts in Compute Engine format', async () => {
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 2 });
    const limited = await call('GET', `${P}/zones`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.json.error.errors[0].reason).toBe('rateLimitExceeded');
    sim.knobs.burst({ status: 500, count: 1 });
    expect((await call('GET', `${P}/zones`)).json.error.status).toBe('INTERNAL');
    sim.knobs.burst({ status: 503, count: 1 });
    expect((await call('GET', `${P}/zones`)).json.error.status).toBe('UNAVAILABLE');
  });

  it('never falls over on bad input', async () => {
    const z = `${P}/zones/us-central1-a`;
    expect((await call('POST', `${z}/instances`, '{nope')).status).toBe(400);
    expect((await call('POST', `${z}/instances`, [1])).status).toBe(400);
    expect((await call('POST', `${z}/instances`, { name: 'Bad Name' })).status).toBe(400);
    expect((await call('POST', `${z}/instances`, { name: 'ok', machineType: 'x' })).status).toBe(400);
    const noImage = await call('POST', `${z}/instances`, {
      name: 'ok',
      machineType: 'e2-small',
      networkInterfaces: [{}],
      disks: [{ initializeParams: { sourceImage: 'projects/debian-cloud/global/images/nope' } }],
    });
    expect(noImage.status).toBe(404);
    expect(
      (await call('POST', `${z}/instances/vm-000000/setLabels`, { labels: 'x', labelFingerprint: 1 })).status,
    ).toBe(412);
    expect((await call('POST', `${z}/disks`, { name: 'd', sizeGb: 'lots' })).status).toBe(400);
    expect((await call('GET', `${P}/zones/mars-1a/instances`)).status).toBe(404);
    expect((await call('GET', '/somewhere/else')).status).toBe(404);
    expect((await call('PUT', `${P}/zones`)).status).toBe(405);
    expect((await call('GET', `${z}/operations/operation-nope`)).status).toBe(404);
  });

  it('seeds large projects quickly and deterministically', async () => {
    const started = Date.now();
    const opts = {
      serviceAccounts: [{ email: EMAIL, projects: ['big'] }],
      projects: [{ id: 'big', instances: 50_000 }],
    };
    const [a, b] = await Promise.all([startGceSim(opts), startGceSim(opts)]);
    try {
      expect(Date.now() - started).toBeLessThan(5_000);
      const ia = a.project('big').sortedInstances();
      const ib = b.project('big').sortedInstances();
      expect(ia).toHaveLength(50_000);
      expect(ia[12_345]).toEqual(ib[12_345]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  describe('networks, subnetworks and firewall rules', () => {
    it('answers in the recorded shapes, with global and regional operations', async () => {
      const net = (await call('GET', `${P}/global/networks/default`)).json;
      expect(missingStructure(fixture('global_networks_custom_network.json'), net)).toEqual([]);
      const subnet = (await call('GET', `${P}/regions/us-central1/subnetworks/default`)).json;
      expect(missingStructure(fixture('regions_us-central1_subnetworks_subnet_1.json'), subnet)).toEqual([]);
      const rule = (await call('GET', `${P}/global/firewalls/default-allow-ssh`)).json;
      const recorded = fixture('global_firewalls_lcfirewall.json');
      expect(
        missingStructure({ ...recorded, sourceServiceAccounts: undefined, targetTags: undefined }, rule),
      ).toEqual([]);

      const op = (
        await call('POST', `${P}/global/firewalls`, {
          name: 'allow-web',
          allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }],
          sourceRanges: ['0.0.0.0/0'],
          targetTags: ['web'],
        })
      ).json;
      const done = (await call('POST', `${P}/global/operations/${op.name}/wait`)).json;
      expect(missingStructure(fixture('operations_operation_global_firewalls_post.json'), done)).toEqual([]);
      expect(done).toMatchObject({ status: 'DONE', operationType: 'insert' });
      expect(done.zone).toBeUndefined();

      const sub = (
        await call('POST', `${P}/regions/us-central1/subnetworks`, {
          name: 'extra',
          network: 'global/networks/default',
          ipCidrRange: '10.200.0.0/24',
        })
      ).json;
      const subDone = (await call('GET', `${P}/regions/us-central1/operations/${sub.name}`)).json;
      expect(subDone.region).toMatch(/\/regions\/us-central1$/);
      expect((await call('GET', `${P}/global/operations/${sub.name}`)).status).toBe(404);
    });

    it('refuses what Compute Engine refuses, in its error format', async () => {
      const cases: Array<[string, string, unknown, number, RegExp]> = [
        ['POST', 'global/networks', { name: 'legacy' }, 400, /autoCreateSubnetworks/],
        ['POST', 'global/networks', { name: 'default', autoCreateSubnetworks: true }, 409, /already exists/],
        [
          'POST',
          'global/firewalls',
          { name: 'x', allowed: [{ IPProtocol: 'icmp', ports: ['22'] }], sourceRanges: ['0.0.0.0/0'] },
          400,
          /Ports may only be specified/,
        ],
        ['POST', 'global/firewalls', { name: 'x', allowed: [{ IPProtocol: 'tcp' }] }, 400, /sourceRanges/],
        [
          'POST',
          'global/firewalls',
          { name: 'x', allowed: [{ IPProtocol: 'tcp', ports: ['99999'] }], sourceRanges: ['0.0.0.0/0'] },
          400,
          /Invalid port specification/,
        ],
        [
          'POST',
          'global/firewalls',
          {
            name: 'x',
            network: 'global/networks/nope',
            allowed: [{ IPProtocol: 'tcp' }],
            sourceRanges: ['10.0.0.0/8'],
          },
          400,
          /network resource cannot be found/,
        ],
        [
          'POST',
          'regions/us-central1/subnetworks',
          { name: 'x', network: 'global/networks/default', ipCidrRange: '10.128.4.0/24' },
          400,
          /conflicts with existing subnetwork 'default'/,
        ],
        [
          'POST',
          'regions/us-central1/subnetworks',
          { name: 'x', network: 'global/networks/default', ipCidrRange: '10.1.2.3/24' },
          400,
          /host bits/,
        ],
        ['DELETE', 'global/networks/default', undefined, 400, /already being used by/],
        ['DELETE', 'regions/us-central1/subnetworks/default', undefined, 400, /auto subnetwork/],
      ];
      for (const [method, path, body, status, words] of cases) {
        const res = await call(method, `${P}/${path}`, body);
        expect(res.status, `${method} ${path}`).toBe(status);
        expect(res.json.error.message, `${method} ${path}`).toMatch(words);
        expect(res.json.error.errors[0].reason).toEqual(expect.any(String));
      }
    });
  });
});
