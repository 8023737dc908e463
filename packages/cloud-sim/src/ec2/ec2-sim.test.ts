// The EC2 emulator on the wire: auth, errors, pagination at scale, filters, transitions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ec2Sim, startEc2Sim } from './index';
import { seedInstances } from './seed';
import { Ec2State } from './state';
import { call, text, texts } from './test-support/client';

const PUBLIC_KEY = Buffer.from(
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtWRBDdVfVNmfUcBZ9vVyZkDgnmI6Oc1jWZ7Yh8JXvA sim@test',
).toString('base64');

describe('requests the emulator refuses', () => {
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({ seed: 20, regions: ['us-east-1', 'eu-west-1'], transitionMs: 0 });
  });
  afterAll(() => sim.close());

  const error = async (params: Record<string, string>, options = {}) => {
    const answer = await call(sim.url, params, options);
    return { status: answer.status, code: text(answer.body, 'Code'), message: text(answer.body, 'Message') };
  };

  it('answers unknown keys, missing and foreign credentials like EC2', async () => {
    expect(await error({ Action: 'DescribeRegions' }, { accessKeyId: 'AKIDNOPE' })).toEqual({
      status: 401,
      code: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
    });
    expect(await error({ Action: 'DescribeRegions' }, { unsigned: true })).toMatchObject({
      status: 401,
      code: 'MissingAuthenticationToken',
    });
    expect(await error({ Action: 'DescribeRegions' }, { region: 'moon-1' })).toMatchObject({
      status: 401,
      message: 'Credential should be scoped to a valid region.',
    });
    // A real region the account has not enabled.
    expect(await error({ Action: 'DescribeRegions' }, { region: 'ap-southeast-1' })).toMatchObject({
      status: 401,
      code: 'AuthFailure',
    });
  });

  it('lists no Elastic IPs: the emulated account allocates none', async () => {
    const answer = await call(sim.url, { Action: 'DescribeAddresses' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/<addressesSet\/>/);
  });

  it('answers bad input with EC2 errors, never a crash', async () => {
    expect(await error({ Action: 'DescribeEverything' })).toMatchObject({
      status: 400,
      code: 'InvalidAction',
    });
    expect(await error({ Action: 'constructor' })).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect(await error({ Action: 'DescribeInstances', MaxResults: 'lots' })).toMatchObject({
      status: 400,
      code: 'InvalidParameterValue',
    });
    expect(await error({ Action: 'DescribeInstances', MaxResults: '2' })).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value ( 2 ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.',
    });
    expect(await error({ Action: 'DescribeInstances', NextToken: '!!garbage!!' })).toMatchObject({
      code: 'InvalidPaginationToken',
    });
    expect(
      await error({ Action: 'DescribeInstances', MaxResults: '5', 'InstanceId.1': 'i-0123456789abcdef0' }),
    ).toMatchObject({ code: 'InvalidParameterCombination' });
    expect(
      await error({ Action: 'DescribeInstances', 'Filter.1.Name': 'colour', 'Filter.1.Value.1': 'red' }),
    ).toMatchObject({
      code: 'InvalidParameterValue',
      message: "The filter 'colour' is invalid",
    });
    expect(await error({ Action: 'StartInstances', 'InstanceId.1': 'web-1' })).toMatchObject({
      code: 'InvalidInstanceID.Malformed',
    });
    expect(
      await error({
        Action: 'StopInstances',
        'InstanceId.1': 'i-0123456789abcdef0',
        'InstanceId.2': 'i-0123456789abcdef1',
      }),
    ).toMatchObject({
      code: 'InvalidInstanceID.NotFound',
      message: "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist",
    });
    expect(await error({ Action: 'RunInstances', MinCount: '1', MaxCount: '1' })).toMatchObject({
      code: 'MissingParameter',
      message: 'The request must contain the parameter ImageId',
    });
    expect(
      await error({ Action: 'RunInstances', ImageId: 'ami-0123456789abcdef0', MinCount: '1', MaxCount: '1' }),
    ).toMatchObject({
      code: 'InvalidAMIID.NotFound',
    });
    expect(
      await error({ Action: 'ImportKeyPair', KeyName: 'k', PublicKeyMaterial: 'bm90IGEga2V5' }),
    ).toMatchObject({
      code: 'InvalidKey.Format',
    });
    expect(await error({ Action: 'CreateVolume', AvailabilityZone: 'us-east-1a', Size: '0' })).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(await error({ Action: 'CreateTags', 'ResourceId.1': 'i-0123456789abcdef0' })).toMatchObject({
      code: 'MissingParameter',
    });
    expect(await error({ Action: 'DescribeInstances', 'Filter.1.Value.1': 'x' })).toMatchObject({
      code: 'InvalidParameterValue',
    });
    // Names of Object.prototype members are just unknown names.
    expect(
      await error({ Action: 'DescribeInstances', 'Filter.1.Name': 'constructor', 'Filter.1.Value.1': 'x' }),
    ).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(
      await error({ Action: 'DescribeInstances', 'Filter.1.Name': '__proto__', 'Filter.1.Value.1': 'x' }),
    ).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(
      await error({
        Action: 'CreateVolume',
        AvailabilityZone: 'us-east-1a',
        Size: '5',
        VolumeType: 'toString',
      }),
    ).toMatchObject({ code: 'InvalidParameterValue' });
    expect(
      await error({
        Action: 'ImportKeyPair',
        KeyName: 'k',
        PublicKeyMaterial: Buffer.from('constructor AAAA').toString('base64'),
      }),
    ).toMatchObject({ code: 'InvalidKey.Format' });

    // Binary garbage as a body still gets an EC2 answer.
    const res = await fetch(sim.url, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDOVERCASTSIM/20260101/us-east-1/ec2/aws4_request, Signature=0',
      },
      body: new Uint8Array([0xff, 0x00, 0x25, 0x26, 0x3d, 0x2e, 0x2e, 0x3d]),
    });
    expect(res.status).toBe(400);
    expect(text(await res.text(), 'Code')).toBe('InvalidAction');
  });

  it('answers snapshot and instance-type requests it cannot do with EC2 errors', async () => {
    expect(await error({ Action: 'DeleteSnapshot', SnapshotId: 'snap-0123456789abcdef0' })).toMatchObject({
      status: 400,
      code: 'InvalidSnapshot.NotFound',
      message: "The snapshot 'snap-0123456789abcdef0' does not exist.",
    });
    expect(await error({ Action: 'DeleteSnapshot', SnapshotId: 'nope' })).toMatchObject({
      code: 'InvalidSnapshotID.Malformed',
    });
    expect(await error({ Action: 'CreateSnapshot', VolumeId: 'vol-0123456789abcdef0' })).toMatchObject({
      code: 'InvalidVolume.NotFound',
    });
    expect(await error({ Action: 'CreateSnapshot' })).toMatchObject({ code: 'MissingParameter' });
    const running = [...sim.state.instances.values()].find((i) => i.state === 'running')!;
    const region = { region: running.region };
    expect(
      await error(
        { Action: 'ModifyInstanceAttribute', InstanceId: running.id, 'InstanceType.Value': 't3.large' },
        region,
      ),
    ).toMatchObject({
      code: 'IncorrectInstanceState',
      message: `The instance '${running.id}' is not in the 'stopped' state.`,
    });
    expect(
      await error(
        { Action: 'ModifyInstanceAttribute', InstanceId: running.id, 'InstanceType.Value': 'x9.nope' },
        region,
      ),
    ).toMatchObject({ code: 'InvalidInstanceAttributeValue' });
    expect(running.instanceType).not.toBe('t3.large');
  });

  it('answers DryRun with DryRunOperation and changes nothing', async () => {
    const id = [...sim.state.instances.values()].find(
      (i) => i.state === 'running' && i.region === 'us-east-1',
    )!.id;
    expect(await error({ Action: 'StopInstances', 'InstanceId.1': id, DryRun: 'true' })).toMatchObject({
      status: 412,
      code: 'DryRunOperation',
    });
    expect(sim.state.instances.get(id)?.state).toBe('running');
  });

  it('renders faults in EC2 format: throttling is 503 RequestLimitExceeded with Retry-After', async () => {
    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 2 });
    const throttled = await call(sim.url, { Action: 'DescribeRegions' });
    expect(throttled.status).toBe(503);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(text(throttled.body, 'Code')).toBe('RequestLimitExceeded');
    sim.knobs.burst({ status: 500, count: 1 });
    expect(text((await call(sim.url, { Action: 'DescribeRegions' })).body, 'Code')).toBe('InternalError');
    sim.knobs.burst({ status: 503, count: 1 });
    const unavailable = await call(sim.url, { Action: 'DescribeRegions' });
    expect([unavailable.status, text(unavailable.body, 'Code')]).toEqual([503, 'Unavailable']);
    expect((await call(sim.url, { Action: 'DescribeRegions' })).status).toBe(200);
  });
});

describe('listing', () => {
  it('seeds 100k machines quickly and pages through them in linear time', async () => {
    const started = performance.now();
    const sim = await startEc2Sim({
      seed: { machines: 100_000, seed: 11 },
      regions: ['us-east-1'],
      transitionMs: 0,
    });
    const seededMs = performance.now() - started;
    try {
      expect(sim.state.instances.size).toBe(100_000);
      expect(seededMs).toBeLessThan(10_000);
      const ids = new Set<string>();
      const pageMs: number[] = [];
      let token: string | undefined;
      do {
        const t = performance.now();
        const answer = await call(sim.url, {
          Action: 'DescribeInstances',
          MaxResults: '1000',
          ...(token ? { NextToken: token } : {}),
        });
        pageMs.push(performance.now() - t);
        expect(answer.status).toBe(200);
        for (const id of texts(answer.body, 'instanceId')) ids.add(id);
        token = text(answer.body, 'nextToken');
      } while (token);
      expect(ids.size).toBe(100_000);
      expect(pageMs).toHaveLength(100);
      // Resuming from a token costs the same on the last pages as on the first ones.
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(avg(pageMs.slice(-10))).toBeLessThan(avg(pageMs.slice(1, 11)) * 4 + 20);
    } finally {
      await sim.close();
    }
  }, 120_000);

  it('seeds the same fleet for the same seed', () => {
    const make = (seed: number) => {
      const state = new Ec2State({
        accountId: '123456789012',
        regions: ['us-east-1', 'eu-west-1'],
        transitionMs: 0,
        terminatedRetentionMs: 60_000,
        now: () => Date.parse('2026-01-01T00:00:00Z'),
      });
      seedInstances(state, { machines: 300, seed });
      return [...state.instances.values()].map((i) => [
        i.id,
        i.instanceType,
        i.state,
        i.zone,
        i.privateIp,
        i.tags.get('Name'),
      ]);
    };
    expect(make(5)).toEqual(make(5));
    expect(make(5)).not.toEqual(make(6));
    const fleet = make(5);
    expect(new Set(fleet.map((f) => f[0])).size).toBe(300);
    expect(new Set(fleet.map((f) => f[2]))).toEqual(new Set(['running', 'stopped', 'terminated']));
  });

  it('filters by state, tag, wildcard and id, and pages filtered results', async () => {
    const sim = await startEc2Sim({
      seed: { machines: 600, seed: 2 },
      regions: ['us-east-1'],
      transitionMs: 0,
    });
    try {
      const all = [...sim.state.instances.values()];
      const count = async (params: Record<string, string>) => {
        let token: string | undefined;
        let n = 0;
        do {
          const answer = await call(sim.url, {
            Action: 'DescribeInstances',
            MaxResults: '50',
            ...params,
            ...(token ? { NextToken: token } : {}),
          });
          n += texts(answer.body, 'instanceId').length;
          token = text(answer.body, 'nextToken');
        } while (token);
        return n;
      };
      expect(await count({ 'Filter.1.Name': 'instance-state-name', 'Filter.1.Value.1': 'running' })).toBe(
        all.filter((i) => i.state === 'running').length,
      );
      expect(
        await count({
          'Filter.1.Name': 'instance-state-name',
          'Filter.1.Value.1': 'running',
          'Filter.1.Value.2': 'stopped',
          'Filter.2.Name': 'tag:env',
          'Filter.2.Value.1': 'prod',
        }),
      ).toBe(all.filter((i) => i.state !== 'terminated' && i.tags.get('env') === 'prod').length);
      expect(await count({ 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'web-*' })).toBe(
        all.filter((i) => i.tags.get('Name')?.startsWith('web-')).length,
      );
      const picked = all.slice(10, 13).map((i) => i.id);
      const byId = await call(sim.url, {
        Action: 'DescribeInstances',
        'InstanceId.1': picked[0]!,
        'InstanceId.2': picked[1]!,
        'InstanceId.3': picked[2]!,
      });
      expect(texts(byId.body, 'instanceId')).toEqual(picked);
    } finally {
      await sim.close();
    }
  });

  it('pages volumes and instance types with MaxResults/NextToken', async () => {
    const sim = await startEc2Sim({ seed: 30, regions: ['us-east-1'], transitionMs: 0 });
    try {
      const walk = async (action: string, tag: string, max: string) => {
        const seen: string[] = [];
        let pages = 0;
        let token: string | undefined;
        do {
          const answer = await call(sim.url, {
            Action: action,
            MaxResults: max,
            ...(token ? { NextToken: token } : {}),
          });
          seen.push(...texts(answer.body, tag));
          token = text(answer.body, 'nextToken');
          pages += 1;
        } while (token);
        return { seen, pages };
      };
      const volumes = await walk('DescribeVolumes', 'volumeId', '5');
      expect(new Set(volumes.seen).size).toBe(sim.state.volumes.size);
      expect(volumes.pages).toBe(Math.ceil(sim.state.volumes.size / 5));
      const types = await walk('DescribeInstanceTypes', 'instanceType', '5');
      expect(types.seen).toContain('t3.micro');
      expect(types.pages).toBe(Math.ceil(types.seen.length / 5));
      // A token of one action is refused by another.
      const token = text(
        (await call(sim.url, { Action: 'DescribeVolumes', MaxResults: '5' })).body,
        'nextToken',
      )!;
      const misuse = await call(sim.url, { Action: 'DescribeInstances', MaxResults: '5', NextToken: token });
      expect(text(misuse.body, 'Code')).toBe('InvalidPaginationToken');
    } finally {
      await sim.close();
    }
  });
});

describe('state over time', () => {
  let now = Date.parse('2026-06-01T00:00:00Z');
  let sim: Ec2Sim;
  beforeAll(async () => {
    sim = await startEc2Sim({
      regions: ['us-east-1'],
      transitionMs: 1000,
      terminatedRetentionMs: 5000,
      now: () => now,
    });
  });
  afterAll(() => sim.close());

  const stateOf = async (id: string) =>
    text((await call(sim.url, { Action: 'DescribeInstances', 'InstanceId.1': id })).body, 'name');

  it('walks pending -> running -> stopping -> stopped -> pending -> running -> shutting-down -> terminated -> gone', async () => {
    const image = sim.state.regions.get('us-east-1')!.images[0]!.id;
    const run = await call(sim.url, { Action: 'RunInstances', ImageId: image, MinCount: '1', MaxCount: '1' });
    const id = text(run.body, 'instanceId')!;
    expect(text(run.body, 'name')).toBe('pending');
    now += 999;
    expect(await stateOf(id)).toBe('pending');
    now += 1;
    expect(await stateOf(id)).toBe('running');
    const stop = await call(sim.url, { Action: 'StopInstances', 'InstanceId.1': id });
    expect(texts(stop.body, 'name')).toEqual(['stopping', 'running']);
    now += 1000;
    expect(await stateOf(id)).toBe('stopped');
    await call(sim.url, { Action: 'StartInstances', 'InstanceId.1': id });
    expect(await stateOf(id)).toBe('pending');
    now += 1000;
    expect(await stateOf(id)).toBe('running');
    await call(sim.url, { Action: 'TerminateInstances', 'InstanceId.1': id });
    expect(await stateOf(id)).toBe('shutting-down');
    now += 1000;
    expect(await stateOf(id)).toBe('terminated');
    now += 5000;
    const gone = await call(sim.url, { Action: 'DescribeInstances', 'InstanceId.1': id });
    expect(text(gone.body, 'Code')).toBe('InvalidInstanceID.NotFound');
  });

  it('keeps RunInstances idempotent per ClientToken', async () => {
    const image = sim.state.regions.get('us-east-1')!.images[0]!.id;
    const params = {
      Action: 'RunInstances',
      ImageId: image,
      MinCount: '1',
      MaxCount: '1',
      ClientToken: 'once',
    };
    const first = text((await call(sim.url, params)).body, 'instanceId');
    const again = text((await call(sim.url, params)).body, 'instanceId');
    expect(again).toBe(first);
    const changed = await call(sim.url, { ...params, InstanceType: 't3.small' });
    expect(text(changed.body, 'Code')).toBe('IdempotentParameterMismatch');
  });

  it('keeps volumes consistent: in-use volumes cannot be deleted, root volumes go with their instance', async () => {
    const image = sim.state.regions.get('us-east-1')!.images[0]!.id;
    const run = await call(sim.url, {
      Action: 'RunInstances',
      ImageId: image,
      MinCount: '1',
      MaxCount: '1',
      'Placement.AvailabilityZone': 'us-east-1b',
    });
    const id = text(run.body, 'instanceId')!;
    const root = sim.state.instances.get(id)!.volumeIds[0]!;
    now += 1000;
    const created = await call(sim.url, {
      Action: 'CreateVolume',
      AvailabilityZone: 'us-east-1b',
      Size: '5',
    });
    const volumeId = text(created.body, 'volumeId')!;
    const early = await call(sim.url, {
      Action: 'AttachVolume',
      VolumeId: volumeId,
      InstanceId: id,
      Device: '/dev/sdf',
    });
    expect(text(early.body, 'Code')).toBe('IncorrectState');
    now += 1000;
    await call(sim.url, { Action: 'AttachVolume', VolumeId: volumeId, InstanceId: id, Device: '/dev/sdf' });
    const taken = await call(sim.url, {
      Action: 'AttachVolume',
      VolumeId: volumeId,
      InstanceId: id,
      Device: '/dev/sdg',
    });
    expect(text(taken.body, 'Code')).toBe('VolumeInUse');
    const inUse = await call(sim.url, { Action: 'DeleteVolume', VolumeId: volumeId });
    expect([inUse.status, text(inUse.body, 'Code')]).toEqual([400, 'VolumeInUse']);
    await call(sim.url, { Action: 'TerminateInstances', 'InstanceId.1': id });
    now += 1000;
    const volumes = await call(sim.url, { Action: 'DescribeVolumes', 'VolumeId.1': volumeId });
    expect(text(volumes.body, 'status')).toBe('available');
    const rootGone = await call(sim.url, { Action: 'DescribeVolumes', 'VolumeId.1': root });
    expect(text(rootGone.body, 'Code')).toBe('InvalidVolume.NotFound');
  });

  it('imports, lists and deletes key pairs per region', async () => {
    const imported = await call(sim.url, {
      Action: 'ImportKeyPair',
      KeyName: 'ops',
      PublicKeyMaterial: PUBLIC_KEY,
    });
    expect(text(imported.body, 'keyFingerprint')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const duplicate = await call(sim.url, {
      Action: 'ImportKeyPair',
      KeyName: 'ops',
      PublicKeyMaterial: PUBLIC_KEY,
    });
    expect(text(duplicate.body, 'Code')).toBe('InvalidKeyPair.Duplicate');
    const listed = await call(sim.url, { Action: 'DescribeKeyPairs', IncludePublicKey: 'true' });
    expect(texts(listed.body, 'keyName')).toEqual(['ops']);
    expect(text(listed.body, 'publicKey')).toMatch(/^ssh-ed25519 AAAA/);
    await call(sim.url, { Action: 'DeleteKeyPair', KeyName: 'ops' });
    expect(texts((await call(sim.url, { Action: 'DescribeKeyPairs' })).body, 'keyName')).toEqual([]);
  });

  it('shows console changes at once', async () => {
    const [instance] = sim.console.launch('us-east-1', {
      imageId: sim.state.regions.get('us-east-1')!.images[0]!.id,
    });
    sim.console.setState(instance!.id, 'stopped');
    expect(await stateOf(instance!.id)).toBe('stopped');
    sim.console.rename(instance!.id, 'from-console');
    const answer = await call(sim.url, { Action: 'DescribeInstances', 'InstanceId.1': instance!.id });
    expect(answer.body).toContain('<item><key>Name</key><value>from-console</value></item>');
  });
});
