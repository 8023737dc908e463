// The Azure emulator on the wire, as a client that is not our driver sees it: the token endpoint,
// ARM's refusals, budgets told in x-ms-ratelimit-remaining-*, paging, a power operation's timeline
// and Microsoft.Network's security groups.

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
  options: { token?: string; form?: string; json?: unknown } = {},
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
