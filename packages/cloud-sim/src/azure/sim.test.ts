// The Azure emulator on the wire, as a client that is not our driver sees it: the token endpoint,
// ARM's refusals, budgets told in x-ms-ratelimit-remaining-*, paging, a power operation's timeline
// Microsoft.Network's security groups, and Azure DNS zones and record sets with their ETags.

import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureSim, startAzureSim } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';
const API = 'api-version=2024-07-01';

let sim: AzureSim;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function call(
  method: string,
  path: string,
  options: { token?: string; form?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.form ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, sim.url),
      {
        method,
        ca: sim.ca,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function token(secret = 'right'): Promise<Answer> {
  return call('POST', `/${TENANT}/oauth2/v2.0/token`, {
    form: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT,
      client_secret: secret,
      scope: 'https://management.azure.com/.default',
    }).toString(),
  });
}

beforeAll(async () => {
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 'right', subscriptions: [SUB] }],
    subscriptions: [{ id: SUB, vms: 7 }],
    pageSize: 3,
    transitionMs: 200,
    readsPerWindow: 40,
  });
});
afterAll(() => sim?.close());

describe('Azure emulator', () => {
  it('issues tokens for the right secret and refuses a wrong one as Entra ID does', async () => {
    const ok = await token();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const wrong = await token('wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
  });

  it("refuses calls without a token, with a bad token, or without api-version, in ARM's words", async () => {
    const none = await call(
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines?${API}`,
    );
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const bad = await call(
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines?${API}`,
      { token: 'forged' },
    );
    expect(bad.body).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
    });
    const t = (await token()).body.access_token as string;
    const noVersion = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines`, {
      token: t,
    });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
  });

  it('pages lists by nextLink and counts down the read budget', async () => {
    const t = (await token()).body.access_token as string;
    let path: string | undefined = `/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines?${API}`;
    const names: string[] = [];
    const remaining: number[] = [];
    while (path) {
      const page: Answer = await call('GET', path, { token: t });
      expect(page.status).toBe(200);
      names.push(...(page.body.value as Array<{ name: string }>).map((v) => v.name));
      remaining.push(Number(page.headers['x-ms-ratelimit-remaining-subscription-reads']));
      path = page.body.nextLink as string | undefined;
    }
    expect(names).toEqual(['vm-1', 'vm-2', 'vm-3', 'vm-4', 'vm-5', 'vm-6', 'vm-7']);
    expect(remaining).toEqual([...remaining].sort((a, b) => b - a));
    expect(new Set(remaining).size).toBe(3);
  });

  it('powers a VM off over a short timeline, told by its Azure-AsyncOperation', async () => {
    const t = (await token()).body.access_token as string;
    const vm = `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Compute/virtualMachines/vm-1`;
    // Long enough that a loaded machine still reads the operation before it ends.
    sim.state.transitionMs = 2_000;
    const started = await call('POST', `${vm}/powerOff?${API}`, { token: t });
    sim.state.transitionMs = 200;
    expect(started.status).toBe(202);
    const op = started.headers['azure-asyncoperation'] as string;
    expect(op).toContain('/operations/');
    expect((await call('GET', op, { token: t })).body.status).toBe('InProgress');
    const view = await call('GET', `${vm}/instanceView?${API}`, { token: t });
    expect((view.body.statuses as Array<{ code: string }>).map((s) => s.code)).toContain(
      'PowerState/stopping',
    );
    await expect
      .poll(async () => (await call('GET', op, { token: t })).body.status, { timeout: 10_000, interval: 100 })
      .toBe('Succeeded');
    const after = await call('GET', `${vm}/instanceView?${API}`, { token: t });
    expect((after.body.statuses as Array<{ code: string }>).map((s) => s.code)).toContain(
      'PowerState/stopped',
    );
  });

  it('keeps security groups and rules as Microsoft.Network does: long-running PUTs, priorities, subnets in use', async () => {
    const t = (await token()).body.access_token as string;
    const group = `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Network/networkSecurityGroups/edge`;
    const made = await call('PUT', `${group}?${API}`, {
      token: t,
      json: { location: 'eastus', properties: {} },
    });
    expect(made.status).toBe(201);
    const op = made.headers['azure-asyncoperation'] as string;
    expect(op).toMatch(/\/providers\/Microsoft\.Network\/locations\/eastus\/operations\//);
    expect(made.body).toMatchObject({ properties: { provisioningState: 'Updating' } });
    const ssh = {
      protocol: 'Tcp',
      access: 'Allow',
      direction: 'Inbound',
      priority: 100,
      sourcePortRange: '*',
      destinationPortRange: '22',
      sourceAddressPrefix: '203.0.113.0/24',
      destinationAddressPrefix: '*',
    };
    expect(
      (await call('PUT', `${group}/securityRules/ssh?${API}`, { token: t, json: { properties: ssh } }))
        .status,
    ).toBe(201);
    const clash = await call('PUT', `${group}/securityRules/again?${API}`, {
      token: t,
      json: { properties: ssh },
    });
    expect(clash.status).toBe(400);
    expect(clash.body).toMatchObject({ error: { code: 'SecurityRuleConflict' } });
    for (let i = 0; i < 200 && (await call('GET', op, { token: t })).body.status !== 'Succeeded'; i++)
      await new Promise((r) => setTimeout(r, 25));
    const read = await call('GET', `${group}?${API}`, { token: t });
    expect(read.body).toMatchObject({
      type: 'Microsoft.Network/networkSecurityGroups',
      properties: {
        provisioningState: 'Succeeded',
        securityRules: [{ name: 'ssh', properties: { priority: 100, destinationPortRange: '22' } }],
      },
    });
    expect((read.body.properties as { defaultSecurityRules: unknown[] }).defaultSecurityRules).toHaveLength(
      6,
    );
    const subnet = `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Network/virtualNetworks/overcast-rg-vnet/subnets/default`;
    const busy = await call('DELETE', `${subnet}?${API}`, { token: t });
    expect(busy.status).toBe(400);
    expect(busy.body).toMatchObject({ error: { code: 'InUseSubnetCannotBeDeleted' } });
  });

  it('answers 429 with Retry-After once the read budget is spent', async () => {
    const t = (await token()).body.access_token as string;
    let last: Answer | undefined;
    for (let i = 0; i < 45 && last?.status !== 429; i++)
      last = await call('GET', `/subscriptions/${SUB}/locations?${API}`, { token: t });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.body).toMatchObject({ error: { code: 'TooManyRequests' } });
  });
});

describe('Azure DNS emulator', () => {
  const DNS = 'api-version=2018-05-01';
  const zone = `/subscriptions/${SUB}/resourceGroups/overcast-rg/providers/Microsoft.Network/dnsZones/example.com`;
  let t = '';

  beforeAll(async () => {
    // A sim of its own: the one above has spent its read budget.
    await sim.close();
    sim = await startAzureSim({
      principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 'right', subscriptions: [SUB] }],
      subscriptions: [{ id: SUB }],
      pageSize: 2,
      transitionMs: 50,
    });
    t = (await token()).body.access_token as string;
  });

  it('makes a zone with its SOA and NS sets, refuses a second with If-None-Match, and a location but global', async () => {
    const made = await call('PUT', `${zone}?${DNS}`, {
      token: t,
      json: { location: 'global', properties: { zoneType: 'Public' } },
      headers: { 'if-none-match': '*' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      name: 'example.com',
      type: 'Microsoft.Network/dnszones',
      location: 'global',
      properties: { numberOfRecordSets: 2, zoneType: 'Public' },
    });
    expect((made.body.properties as { nameServers: string[] }).nameServers).toHaveLength(4);
    const again = await call('PUT', `${zone}?${DNS}`, {
      token: t,
      json: { location: 'global' },
      headers: { 'if-none-match': '*' },
    });
    expect(again.status).toBe(412);
    expect(again.body).toEqual({
      error: {
        code: 'PreconditionFailed',
        message: 'The Zone example.com exists already and hence cannot be created again.',
      },
    });
    const west = await call('PUT', `${zone.replace('example.com', 'west.example')}?${DNS}`, {
      token: t,
      json: { location: 'westeurope' },
    });
    expect(west.status).toBe(400);
    expect(west.body).toMatchObject({ error: { code: 'LocationNotAvailableForResourceType' } });
    const listed = await call('GET', `/subscriptions/${SUB}/providers/Microsoft.Network/dnszones?${DNS}`, {
      token: t,
    });
    expect((listed.body.value as Array<{ name: string }>).map((z) => z.name)).toEqual(['example.com']);
  });

  it('writes record sets in their typed properties, held to their ETags, and pages them with nextLink', async () => {
    const put = (name: string, type: string, properties: unknown, headers: Record<string, string> = {}) =>
      call('PUT', `${zone}/${type}/${name}?${DNS}`, { token: t, json: { properties }, headers });
    const www = await put('www', 'A', { TTL: 300, ARecords: [{ ipv4Address: '203.0.113.10' }] });
    expect(www.status).toBe(201);
    expect(www.body).toMatchObject({
      name: 'www',
      type: 'Microsoft.Network/dnszones/A',
      properties: { TTL: 300, fqdn: 'www.example.com.', ARecords: [{ ipv4Address: '203.0.113.10' }] },
    });
    const etag = www.body.etag as string;
    const stale = await put('www', 'A', { TTL: 60, ARecords: [] }, { 'if-match': 'not-the-etag' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      error: { code: 'PreconditionFailed', message: 'The Record set www has been modified (etag mismatch).' },
    });
    const fresh = await put(
      'www',
      'A',
      { TTL: 60, ARecords: [{ ipv4Address: '203.0.113.11' }] },
      { 'if-match': etag },
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body.etag).not.toBe(etag);
    const dup = await put('www', 'A', { TTL: 60, ARecords: [] }, { 'if-none-match': '*' });
    expect(dup.status).toBe(412);
    expect((await put('bad', 'A', { ARecords: [{ ipv4Address: '300.1.1.1' }] })).body).toMatchObject({
      error: { code: 'BadRequest', message: "The value '300.1.1.1' is not a valid IPv4 address." },
    });
    expect((await put('www', 'CNAME', { CNAMERecord: { cname: 'example.net' } })).status).toBe(409);
    expect((await put('txt', 'TXT', { TTL: 300, TXTRecords: [{ value: ['a', 'b'] }] })).status).toBe(201);

    const first = await call('GET', `${zone}/recordsets?${DNS}`, { token: t });
    expect((first.body.value as unknown[]).length).toBe(2);
    const next = new URL(first.body.nextLink as string);
    const rest = await call('GET', next.pathname + next.search, { token: t });
    const names = [
      ...(first.body.value as Array<{ name: string; type: string }>),
      ...(rest.body.value as Array<{ name: string; type: string }>),
    ].map((s) => `${s.type.split('/').pop()} ${s.name}`);
    expect(names).toEqual(['SOA @', 'NS @', 'A www', 'TXT txt']);
    const missing = await call('GET', `${zone}/A/nothing?${DNS}`, { token: t });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'NotFound' } });
    const soa = await call('DELETE', `${zone}/SOA/@?${DNS}`, { token: t });
    expect(soa.status).toBe(400);
    expect((await call('DELETE', `${zone}/A/www?${DNS}`, { token: t })).status).toBe(200);
  });

  it('deletes a zone as a long-running operation, then answers 404 in ARM’s words', async () => {
    const gone = await call('DELETE', `${zone}?${DNS}`, { token: t });
    expect(gone.status).toBe(202);
    const op = new URL(gone.headers['azure-asyncoperation'] as string);
    for (let i = 0; i < 100; i++) {
      const status = await call('GET', op.pathname + op.search, { token: t });
      if (status.body.status === 'Succeeded') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const read = await call('GET', `${zone}?${DNS}`, { token: t });
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({
      error: {
        code: 'ResourceNotFound',
        message: expect.stringMatching(
          /^The Resource 'Microsoft.Network\/dnszones\/example.com' under resource group 'overcast-rg' was not found/,
        ),
      },
    });
  });
});
