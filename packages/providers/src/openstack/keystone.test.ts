// The Keystone cases OpenStack users hit (Mist #924, #931, #952): users and projects in
// different non-default domains, by name or id; application credentials; auth URLs with or
// without /v3; a Keystone that speaks only v2.0; a catalog naming another host; regions; and a
// Nova older than microversions.

import type { LookupFunction } from 'node:net';
import { OUTBOUND_REFUSED, type ProviderDriver, ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import { collect } from '../common/json-api';
import { createOpenStackDriver, type OpenStackCredentials } from './index';

const ALICE: OpenStackCredentials = {
  username: 'alice',
  password: 'wonder',
  userDomainName: 'Engineering',
  projectName: 'web',
  projectDomainName: 'Customers',
};
const machines = (d: ProviderDriver) => collect(d.listMachines(new AbortController().signal));

describe('OpenStack identity', () => {
  let sim: OpenStackSim;
  let v2only: OpenStackSim;
  let kilo: OpenStackSim;
  const asked: string[] = [];
  /** Resolves every name to loopback, as the outbound guard would with loopback allowed. */
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: '127.0.0.1', family: 4 },
      ]);
    else callback(null, '127.0.0.1', 4);
  };
  const driver = (
    credentials: OpenStackCredentials,
    endpoint = sim.authUrl,
    config: Record<string, unknown> = {},
  ) =>
    createOpenStackDriver({
      credentials,
      endpoint,
      lookup,
      config: { region: 'RegionOne', retryAttempts: 1, ...config },
    });

  beforeAll(async () => {
    [sim, v2only, kilo] = await Promise.all([
      startOpenStackSim({
        regions: ['RegionOne', 'RegionTwo'],
        catalogHost: 'localhost',
        projects: [
          { name: 'web', domain: 'Customers', servers: 4, namePrefix: 'web' },
          { name: 'web', domain: 'Engineering', servers: 1, namePrefix: 'decoy' },
          { name: 'ci', id: 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1', servers: 2, namePrefix: 'ci' },
        ],
        users: [
          {
            name: 'alice',
            id: 'a11ce',
            domain: 'Engineering',
            password: 'wonder',
            projects: ['Customers/web', 'Engineering/web', 'ci'],
          },
        ],
        applicationCredentials: [
          { id: 'app-1', name: 'overcast', secret: 's3cret', user: 'alice', project: 'ci' },
        ],
        bootDelayMs: 10,
      }),
      startOpenStackSim({
        identity: 'v2.0-only',
        projects: [{ name: 'old', servers: 1 }],
        users: [{ name: 'u', password: 'p', projects: ['old'] }],
      }),
      startOpenStackSim({
        microversions: false,
        projects: [{ name: 'kilo', servers: 3 }],
        users: [{ name: 'u', password: 'p', projects: ['kilo'] }],
        bootDelayMs: 60_000,
      }),
    ]);
  });
  afterAll(() => Promise.all([sim.close(), v2only.close(), kilo.close()]));

  it('scopes a user of one domain to a project of another, by names or by ids', async () => {
    // The project "web" exists in both domains; the one named with its domain is the one used.
    expect((await machines(driver(ALICE))).map((m) => m.name).sort()).toEqual([
      'web-000000',
      'web-000001',
      'web-000002',
      'web-000003',
    ]);
    const byIds = await machines(
      driver({ userId: 'a11ce', password: 'wonder', projectId: 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1' }),
    );
    expect(byIds.map((m) => m.name).sort()).toEqual(['ci-000000', 'ci-000001']);
    // Without its domain the project is looked for in the user's domain: the other "web".
    const decoy = await machines(driver({ ...ALICE, projectDomainName: undefined }));
    expect(decoy.map((m) => m.name)).toEqual(['decoy-000000']);
  });

  it("refuses a wrong domain or password in Keystone's words, saying what to check", async () => {
    for (const wrong of [
      { ...ALICE, userDomainName: 'Default' },
      { ...ALICE, projectDomainName: 'Default' },
      { ...ALICE, password: 'nope' },
    ]) {
      const err = await driver(wrong)
        .validate()
        .catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'auth', options: { status: 401 } });
      expect(err.message).toBe(
        'The request you have made requires authentication. (Keystone refused these credentials: check the user, password, domains and project.)',
      );
    }
    const before = sim.requestLog.length;
    await expect(
      driver({ username: 'alice', password: 'wonder', userDomainName: 'Engineering' }).validate(),
    ).rejects.toMatchObject({
      kind: 'auth',
      message: 'Name the project to work in (its name or id): a token without one sees no servers.',
    });
    expect(sim.requestLog.length).toBe(before);
  });

  it('takes application credentials by id, or by name with their user', async () => {
    const byId = await machines(
      driver({ applicationCredentialId: 'app-1', applicationCredentialSecret: 's3cret' }),
    );
    expect(byId.map((m) => m.name).sort()).toEqual(['ci-000000', 'ci-000001']);
    const byName = driver({
      applicationCredentialName: 'overcast',
      applicationCredentialSecret: 's3cret',
      username: 'alice',
      userDomainName: 'Engineering',
    });
    await expect(byName.validate()).resolves.toBeUndefined();
    await expect(
      driver({ applicationCredentialId: 'app-1', applicationCredentialSecret: 'wrong' }).validate(),
    ).rejects.toMatchObject({
      kind: 'auth',
    });
  });

  it('takes the auth URL with or without /v3 and a trailing slash', async () => {
    for (const url of [sim.url, `${sim.url}/`, `${sim.url}/v3`, `${sim.url}/v3/`]) {
      const before = sim.requestLog.length;
      await driver(ALICE, url).validate();
      expect(sim.requestLog[before]).toMatchObject({ method: 'POST', path: '/v3/auth/tokens' });
    }
  });

  it('refuses a Keystone that speaks only v2.0, saying Overcast speaks v3', async () => {
    const err = await driver({ username: 'u', password: 'p', projectName: 'old' }, v2only.url)
      .validate()
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid', options: { status: 404 } });
    expect(err.message).toBe(
      `${v2only.url}/v3 does not answer Identity v3 (HTTP 404): Overcast speaks Keystone v3 only, so this cloud's Keystone is too old or the auth URL points elsewhere.`,
    );
    const before = v2only.requestLog.length;
    // A v2.0 URL pasted as such is refused as the driver is made, before any request.
    expect(() => driver({ username: 'u', password: 'p', projectName: 'old' }, `${v2only.url}/v2.0/`)).toThrow(
      `The auth URL ${v2only.url}/v2.0/ is Keystone's v2.0 API; Overcast speaks Identity v3 only. Use the v3 URL (the same address ending in /v3).`,
    );
    expect(v2only.requestLog.length).toBe(before);
  });

  it("uses the catalog's endpoints as given, even on another host name, through the lookup", async () => {
    asked.length = 0;
    const before = sim.requestLog.length;
    await machines(driver(ALICE));
    // Keystone was reached at 127.0.0.1 (no lookup), Nova at "localhost" as the catalog names it.
    expect(asked).toContain('localhost');
    expect(
      sim.requestLog.slice(before).some((r) => r.path.startsWith('/RegionOne/compute/v2.1/servers/detail')),
    ).toBe(true);
  });

  it('works in the chosen region, and lists the regions when the one named is missing', async () => {
    const two = driver(ALICE, sim.authUrl, { region: 'RegionTwo' });
    expect(await machines(two)).toEqual([]);
    const made = await two.createMachine({
      name: 'east-1',
      size: '1',
      image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
      location: 'nova',
    });
    expect((await machines(two)).map((m) => m.externalId)).toEqual([made.externalId]);
    expect((await machines(driver(ALICE))).map((m) => m.name)).not.toContain('east-1');
    const missing = await driver(ALICE, sim.authUrl, { region: 'RegionThree' })
      .validate()
      .catch((e) => e);
    expect(missing).toMatchObject({
      kind: 'invalid',
      message: "The region 'RegionThree' is not in this cloud's catalog; it has RegionOne, RegionTwo.",
    });
    const unnamed = await driver(ALICE, sim.authUrl, { region: undefined })
      .validate()
      .catch((e) => e);
    expect(unnamed.message).toBe(
      'This cloud has several regions (RegionOne, RegionTwo): choose one in the region field.',
    );
    // The internal interface, when asked for, is the catalog's internal endpoint.
    const before = sim.requestLog.length;
    await driver(ALICE, sim.authUrl, { interface: 'internal' }).validate();
    expect(sim.requestLog.slice(before).at(-1)!.path).toBe(
      '/RegionOne/internal/compute/v2.1/servers?limit=1',
    );
  });

  it('works with a Nova older than microversions, asking for none', async () => {
    const d = driver({ username: 'u', password: 'p', projectName: 'kilo' }, kilo.url, { region: undefined });
    const before = kilo.requestLog.length;
    const all = await machines(d);
    expect(all.map((m) => m.size)).toEqual(['3', '2', '1']);
    const made = await d.createMachine({
      name: 'k1',
      size: '2',
      image: '0d3c4f7e-2b8a-4e4f-9b1e-6c9a3f1d2e01',
      location: 'nova',
    });
    expect(made).toMatchObject({ name: 'k1', size: '2', state: 'pending' });
    const compute = kilo.requestLog.slice(before).filter((r) => r.path.includes('/compute/'));
    expect(compute[0]!.path).toMatch(/^\/RegionOne\/compute\/v2\/[0-9a-f]+\/$/);
    expect(compute.every((r) => r.microversion === null)).toBe(true);
    // A modern Nova refuses a create without `networks` at 2.37 and later; the driver sends "auto" there.
    expect(kilo.project('kilo').servers.size).toBe(4);
  });

  it('connects to nothing the lookup refuses, and does not retry the refusal', async () => {
    const refused: string[] = [];
    const guard: LookupFunction = (hostname, _options, callback) => {
      refused.push(hostname);
      callback(
        Object.assign(new Error(`${hostname} is a private address`), { code: OUTBOUND_REFUSED }),
        '',
        0,
      );
    };
    const before = sim.requestLog.length;
    const d = createOpenStackDriver({
      credentials: ALICE,
      endpoint: `http://keystone.internal:${sim.port}/v3`,
      lookup: guard,
      config: { retryAttempts: 5, retryBaseDelayMs: 1 },
    });
    const err = await d.validate().catch((e) => e);
    expect(err).toMatchObject({
      kind: 'unavailable',
      message: 'OpenStack unreachable: keystone.internal is a private address',
    });
    expect(refused).toEqual(['keystone.internal']);
    expect(sim.requestLog.length).toBe(before);
  });
});
