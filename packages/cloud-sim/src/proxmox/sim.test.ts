// The emulator on the wire, as a Proxmox client sees pveproxy: the `{ data }` envelope, refusals
// in the status line with no body, parameter errors by name, tickets that need their CSRF token.

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxSim, startProxmoxSim } from './index';

interface Raw {
  status: number;
  reason: string;
  body: string;
}

describe('Proxmox VE emulator on the wire', () => {
  let sim: ProxmoxSim;
  const token = 'PVEAPIToken=root@pam!t=secret';

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<Raw>((resolve, reject) => {
      const req = request(
        `${sim.url}/api2/json${path}`,
        {
          method,
          rejectUnauthorized: false,
          headers: {
            ...headers,
            ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode!, reason: res.statusMessage!, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    sim = await startProxmoxSim({
      machines: 4,
      nodes: 2,
      tokens: [{ id: 'root@pam!t', secret: 'secret' }],
      users: [{ username: 'root@pam', password: 'pw' }],
      authFailureDelayMs: 0,
      actionDelayMs: 1_500,
    });
  });
  afterAll(() => sim.close());

  it('wraps answers in data and lists every guest of every node with numbers as numbers', async () => {
    const raw = await call('GET', '/cluster/resources?type=vm', { authorization: token });
    expect(raw.status).toBe(200);
    const { data } = JSON.parse(raw.body);
    expect(data).toHaveLength(7);
    expect(data.find((r: { vmid: number }) => r.vmid === 101)).toMatchObject({
      id: 'qemu/101',
      type: 'qemu',
      node: 'pve2',
      status: 'running',
      template: 0,
      maxcpu: 2,
      maxmem: 2048 * 1024 * 1024,
    });
  });

  it('refuses a login in the status line, with no body', async () => {
    for (const [headers, reason] of [
      [{}, 'No ticket'],
      [{ authorization: 'PVEAPIToken=root@pam!t=wrong' }, 'invalid token value!'],
      [{ cookie: 'PVEAuthCookie=PVE:root@pam:0::forged' }, 'permission denied - invalid PVE ticket'],
    ] as const) {
      const raw = await call('GET', '/version', headers);
      expect(raw).toEqual({ status: 401, reason, body: '' });
    }
  });

  it('names refused parameters, and answers unknown paths as not implemented', async () => {
    const bad = await call(
      'PUT',
      '/nodes/pve1/qemu/100/config',
      { authorization: token },
      'cores=many&bogus=1',
    );
    expect(bad.status).toBe(400);
    expect(bad.reason).toBe('Parameter verification failed.');
    expect(JSON.parse(bad.body)).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        cores: "type check ('integer') failed - got 'many'",
        bogus: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
    const elsewhere = await call('GET', '/nodes/pve2/qemu/100/config', { authorization: token });
    expect(elsewhere).toMatchObject({
      status: 500,
      reason: "Configuration file 'nodes/pve2/qemu-server/100.conf' does not exist",
    });
    const none = await call('GET', '/nodes/pve1/nothing', { authorization: token });
    expect(none).toMatchObject({ status: 501, reason: "Method 'GET /nodes/pve1/nothing' not implemented" });
  });

  it('gives a ticket whose writes need the CSRF token, and runs actions as tasks with paged logs', async () => {
    const login = await call('POST', '/access/ticket', {}, 'username=root%40pam&password=pw');
    const { ticket, CSRFPreventionToken } = JSON.parse(login.body).data;
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket)}`;
    const without = await call('POST', '/nodes/pve1/qemu/100/status/stop', { cookie }, '');
    expect(without).toEqual({ status: 401, reason: 'Permission denied - invalid csrf token', body: '' });
    const stop = await call(
      'POST',
      '/nodes/pve1/qemu/100/status/stop',
      { cookie, csrfpreventiontoken: CSRFPreventionToken },
      '',
    );
    const upid = JSON.parse(stop.body).data as string;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstop:100:root@pam:$/);
    const status = async () =>
      JSON.parse((await call('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, { cookie })).body)
        .data;
    expect(await status()).toMatchObject({ status: 'running', type: 'qmstop', id: '100' });
    let done = await status();
    for (
      const until = Date.now() + 10_000;
      done.status === 'running' && Date.now() < until;
      done = await status()
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    const log = JSON.parse(
      (await call('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log?start=0&limit=1`, { cookie }))
        .body,
    );
    expect(log).toEqual({ data: [{ n: 1, t: 'TASK OK' }], total: 1 });
    const destroy = await call('DELETE', '/nodes/pve2/qemu/101', { authorization: token });
    expect(destroy).toMatchObject({ status: 500, reason: 'VM 101 is running - destroy failed' });
  });

  it('refuses a rule delete made from a list that changed since, and names bad rule fields', async () => {
    const auth = { authorization: token };
    const rules = '/nodes/pve1/qemu/100/firewall/rules';
    const add = (body: string) => call('POST', rules, auth, body);
    expect((await add('type=in&action=ACCEPT&proto=tcp&dport=22&enable=1')).status).toBe(200);
    const [first] = JSON.parse((await call('GET', rules, auth)).body).data;
    expect(first).toMatchObject({
      pos: 0,
      type: 'in',
      action: 'ACCEPT',
      dport: '22',
      digest: expect.any(String),
    });
    expect((await add('type=in&action=ACCEPT&proto=udp&dport=53&enable=1')).status).toBe(200);
    const stale = await call('DELETE', `${rules}/0?digest=${first.digest}`, auth);
    expect(stale).toMatchObject({
      status: 500,
      reason: 'detected modified configuration - file changed by other user? Try again.',
    });
    expect(sim.net.guestFirewall(100).rules.map((r) => r.dport)).toEqual(['53', '22']);
    const bad = await add('type=sideways&action=ACCEPT&dport=99999&source=%2Bnope');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors).toEqual({
      type: "value 'sideways' does not have a value in the enumeration 'in, out, group, forward'",
      dport: "invalid port '99999'",
      source: "no such ipset 'nope'",
    });
  });
});
