// Machine consoles: libvirt's VNC display relayed over the WebSocket from a real Xvnc, and the
// serial output of EC2 and Compute Engine machines from their emulators, through the real SDKs.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Ec2Sim, startEc2Sim } from '@overcast/cloud-sim';
import { parseCast } from '@overcast/core/terminal';
import { createAwsDriver } from '@overcast/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVnc, type VncHandle } from '../../../test/support/vnc';
import { ec2Cloud, pollNow, startPromptGce } from './support/clouds';
import {
  addMember,
  createOrgWithUser,
  listenForSockets,
  login,
  seedMachine,
  send,
  startOrgApi,
  type TestApi,
  type TestUser,
} from './support/harness';
import { connected, openSocket } from './support/terminal';

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let base: string;
let vnc: VncHandle;
let ec2: Ec2Sim;
let gce: Awaited<ReturnType<typeof startPromptGce>>;
let recordings: string;
let libvirtMachine: string;
let ec2Machine: { id: string; externalId: string };
let gceMachine: string;

async function addCloud(body: object): Promise<string> {
  const res = await send(api, ownerCookie, 'POST', '/api/v1/clouds', body);
  if (res.statusCode !== 201) throw new Error(`cloud: ${res.statusCode} ${res.body}`);
  const cloudId = res.json().id as string;
  await pollNow(api, cloudId);
  return cloudId;
}

async function machineOf(cloudId: string, where: { externalId?: string; state?: 'running' } = {}) {
  return api.db.prisma.machine.findFirstOrThrow({ where: { cloudId, ...where }, orderBy: { name: 'asc' } });
}

beforeAll(async () => {
  recordings = mkdtempSync(join(tmpdir(), 'overcast-console-recordings-'));
  ({ api, owner, ownerCookie } = await startOrgApi({
    OVERCAST_SHELL_RECORDINGS_DIR: recordings,
    OVERCAST_LOGIN_MAX_ATTEMPTS: '1000',
  }));
  base = await listenForSockets(api);
  vnc = await startVnc({ name: 'desk-1' });
  ec2 = await startEc2Sim({ seed: { machines: 3, seed: 11 }, regions: ['us-east-1'], transitionMs: 0 });
  gce = await startPromptGce('console-proj', 2);

  const libvirt = await addCloud({
    provider: 'libvirt',
    title: 'lab',
    credentials: {},
    config: { uri: vnc.libvirtUri },
  });
  libvirtMachine = (await machineOf(libvirt, { externalId: vnc.uuid })).id;
  const aws = await addCloud(ec2Cloud(ec2));
  ec2Machine = await machineOf(aws, { state: 'running' });
  gceMachine = (await machineOf(await addCloud(gce.cloud()), { state: 'running' })).id;
}, 120_000);

afterAll(async () => {
  await vnc?.stop();
  await ec2?.close();
  await gce?.gce.close();
  await api?.close();
  rmSync(recordings, { recursive: true, force: true });
});

const consoleOf = (cookie: string, id: string) =>
  openSocket(`${base}/api/v1/machines/${id}/console`, { cookie });

describe('graphical console (libvirt, VNC)', () => {
  it("relays the VNC server's RFB handshake both ways, and records the session with its byte counts", async () => {
    const view = await consoleOf(ownerCookie, libvirtMachine);
    await expect.poll(() => view.bytes().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    expect(view.bytes().subarray(0, 12).toString()).toBe('RFB 003.008\n');
    // Our version back: the server answers with the security types it offers (None = 1 here).
    view.ws.send(Buffer.from('RFB 003.008\n'), { binary: true });
    await expect.poll(() => view.bytes().length, { timeout: 10_000 }).toBeGreaterThan(12);
    const types = view.bytes().subarray(12);
    expect(types[0]).toBeGreaterThan(0);
    expect([...types.subarray(1, 1 + types[0]!)]).toContain(1);
    view.ws.close();
    await view.closed;

    const row = await expect
      .poll(
        () =>
          api.db.prisma.shellSession.findFirst({
            where: { machineId: libvirtMachine, kind: 'graphical', endedAt: { not: null } },
          }),
        { timeout: 10_000 },
      )
      .toBeTruthy()
      .then(() =>
        api.db.prisma.shellSession.findFirstOrThrow({
          where: { machineId: libvirtMachine, kind: 'graphical' },
        }),
      );
    expect(row.userId).toBe(owner.userId);
    expect(row.bytesIn).toBe(12n);
    expect(Number(row.bytesOut)).toBeGreaterThan(12);
    expect(row.recordingPath).toBeNull();
    const audit = await api.db.prisma.auditEvent.findMany({
      where: { resourceId: libvirtMachine, action: { startsWith: 'machine.console.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['machine.console.start', 'machine.console.end']);
    expect(audit[0]!.details).toMatchObject({ kind: 'graphical', port: vnc.port, sessionId: row.id });
    expect(audit[1]!.details).toMatchObject({ bytesIn: 12, reason: 'client_closed' });
  });

  it('refuses viewers (403), other organizations (404), machines without a console (400); a plain GET answers 426', async () => {
    const viewer = await addMember(api, owner.organizationId, 'viewer');
    await expect(consoleOf(viewer.cookie, libvirtMachine)).rejects.toThrow(/403/);
    const stranger = await login(api, await createOrgWithUser(api.db));
    await expect(consoleOf(stranger, libvirtMachine)).rejects.toThrow(/404/);
    const plain = await send(api, ownerCookie, 'GET', `/api/v1/machines/${libvirtMachine}/console`);
    expect(plain.statusCode).toBe(426);
    expect((await send(api, stranger, 'GET', `/api/v1/machines/${libvirtMachine}/console`)).statusCode).toBe(
      404,
    );
    const sshHost = await seedMachine(api.db, owner.organizationId);
    const none = await send(api, ownerCookie, 'GET', `/api/v1/machines/${sshHost}/console`);
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({ code: 'console_unavailable' });
    expect(none.json().error.message).toMatch(/terminal/);
    const bad = await send(api, ownerCookie, 'GET', '/api/v1/machines/not-a-uuid/console');
    expect(bad.statusCode).toBe(400);
    expect(await api.db.prisma.shellSession.count({ where: { userId: viewer.userId } })).toBe(0);
  });

  it('closes the console when the access that opened it ends', async () => {
    const member = await addMember(api, owner.organizationId, 'member');
    const view = await consoleOf(member.cookie, libvirtMachine);
    await expect.poll(() => view.bytes().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    const res = await send(api, ownerCookie, 'DELETE', `/api/v1/members/${member.userId}`);
    expect(res.statusCode).toBe(204);
    const closed = await view.closed;
    expect(closed.code).toBe(4401);
    await expect
      .poll(
        async () =>
          (
            await api.db.prisma.shellSession.findFirst({
              where: { userId: member.userId, kind: 'graphical' },
            })
          )?.endReason,
        { timeout: 10_000 },
      )
      .toBe('access_revoked');
  });
});

describe('serial console', () => {
  it("streams an EC2 machine's boot log, then what a reboot prints, and records the text", async () => {
    const view = await consoleOf(ownerCookie, ec2Machine.id);
    const status = await view.waitControl(connected);
    await view.waitFor(/login:/);
    expect(view.text()).toContain('(boot 1,');
    const driver = createAwsDriver({
      credentials: ec2Cloud(ec2).credentials,
      endpoint: ec2.url,
      config: {},
    });
    await driver.machineAction(ec2Machine.externalId, 'reboot');
    await view.waitFor(/\(boot 2,/);
    view.ws.close();
    await view.closed;
    await expect
      .poll(
        async () =>
          (await api.db.prisma.shellSession.findUnique({ where: { id: status.sessionId! } }))?.endedAt,
        { timeout: 10_000 },
      )
      .toBeTruthy();
    const row = await api.db.prisma.shellSession.findUniqueOrThrow({ where: { id: status.sessionId! } });
    expect(row.kind).toBe('serial');
    expect(existsSync(row.recordingPath!)).toBe(true);
    const { output } = parseCast(readFileSync(row.recordingPath!, 'utf8'));
    expect(output).toContain('(boot 1,');
    expect(output).toContain('(boot 2,');
    expect(Number(row.bytesOut)).toBe(Buffer.byteLength(output));
  }, 60_000);

  it("streams a Compute Engine machine's serial port", async () => {
    const view = await consoleOf(ownerCookie, gceMachine);
    await view.waitControl(connected);
    await view.waitFor(/vm-\d+ login:/);
    view.ws.close();
    await view.closed;
  });
});
