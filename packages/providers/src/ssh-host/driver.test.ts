import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { ProviderError, type RemoteMachine } from '@overcast/contracts';
import { generateKeyPair, type KeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../../test/support/sshd';
import { createSshHostDriver, type SshHostDriver } from './driver';
import { parseFacts } from './facts';

let sshd: SshdHandle;
let key: KeyPair;
let stranger: KeyPair;
let closedPort: number;
let scratch: string;

beforeAll(async () => {
  [key, stranger] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  scratch = mkdtempSync(join(tmpdir(), 'overcast-sshhost-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const local = () => ({ address: sshd.host, port: sshd.port, username: sshd.user });

function driver(
  hosts: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
  privateKey?: string,
): SshHostDriver {
  return createSshHostDriver({
    credentials: { privateKey: privateKey ?? key.privateKey },
    config: { hosts, ...extra },
  });
}

async function list(d: SshHostDriver, signal = new AbortController().signal): Promise<RemoteMachine[]> {
  const out: RemoteMachine[] = [];
  for await (const m of d.listMachines(signal)) out.push(m);
  return out.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

describe('ssh host facts', () => {
  it('match what this machine reports about itself', async () => {
    const [machine] = await list(driver([local()]));
    expect(machine).toBeDefined();
    const m = machine as RemoteMachine;
    expect(m.externalId).toBe(`127.0.0.1:${sshd.port}`);
    expect(m.state).toBe('running');
    expect(m.name).toBe(hostname());
    expect(m.extra.hostname).toBe(hostname());
    expect(m.extra.cpus).toBe(cpus().length);
    const memoryMb = m.extra.memoryMb as number;
    expect(Math.abs(memoryMb - totalmem() / 1024 / 1024)).toBeLessThan(2);
    expect(m.size).toBe(`${cpus().length} CPU / ${(memoryMb / 1024).toFixed(1)} GiB`);
    expect(m.extra.kernel).toBe(`${type()} ${release()}`);
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    expect(m.image).toBe(pretty);
    expect(m.extra.hostKey).toEqual({
      algorithm: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
      firstUse: true,
    });
    expect([...m.publicIps, ...m.privateIps].every((ip) => !ip.startsWith('127.'))).toBe(true);
    expect(JSON.parse(JSON.stringify(m))).toEqual({ ...m, createdAt: null });
  });

  it('stay the same from one poll to the next while the host does not change', async () => {
    const d = driver([local()]);
    const [first] = await list(d);
    // Readings such as the uptime move within a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const [second] = await list(d);
    expect(second).toEqual(first);
  });

  it('parse outputs of other systems', () => {
    const facts = parseFacts(`
@@overcast:hostname
bsd1
@@overcast:os-release

@@overcast:kernel
FreeBSD 14.0-RELEASE
@@overcast:arch
amd64
@@overcast:cpus
8
@@overcast:memory
MemTotal: 16777216 kB
@@overcast:uptime
3600
@@overcast:addresses
em0: flags=8843<UP,BROADCAST,RUNNING> metric 0 mtu 1500
	inet 203.0.113.7 netmask 0xffffff00 broadcast 203.0.113.255
	inet6 fe80::1%em0 prefixlen 64 scopeid 0x1
	inet6 2001:db8::7 prefixlen 64
lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384
	inet 127.0.0.1 netmask 0xff000000
@@overcast:end
`);
    expect(facts).toEqual({
      hostname: 'bsd1',
      os: { id: null, versionId: null, prettyName: null },
      kernel: 'FreeBSD 14.0-RELEASE',
      arch: 'amd64',
      cpus: 8,
      memoryMb: 16384,
      memoryAvailableMb: null,
      uptimeSeconds: 3600,
      addresses: ['203.0.113.7', '2001:db8::7'],
    });
  });

  it('leave out addresses that point back at whoever dials them', () => {
    const facts = parseFacts(`
@@overcast:addresses
2: eth0    inet 0.0.0.0/0 scope global eth0
2: eth0    inet6 ::ffff:127.0.0.1/128 scope global
2: eth0    inet6 ::ffff:169.254.169.254/128 scope global
2: eth0    inet6 :: scope global
3: eth1    inet 198.51.100.4/24 scope global eth1
@@overcast:end
`);
    expect(facts.addresses).toEqual(['198.51.100.4']);
  });
});

describe('ssh host driver', () => {
  it('lists unreachable hosts as unknown without failing the others', async () => {
    const machines = await list(
      driver([
        { ...local(), name: 'here' },
        { name: 'down', address: '127.0.0.1', port: closedPort, username: 'root' },
        { name: 'nowhere', address: 'no-such-host.invalid', username: 'root' },
      ]),
    );
    const byName = Object.fromEntries(machines.map((m) => [m.name, m]));
    expect(byName.here?.state).toBe('running');
    expect(byName.down).toMatchObject({
      externalId: `127.0.0.1:${closedPort}`,
      state: 'unknown',
      rawState: 'unreachable',
      size: null,
      extra: expect.objectContaining({ error: expect.objectContaining({ kind: 'unreachable' }) }),
    });
    expect(byName.nowhere).toMatchObject({
      externalId: 'no-such-host.invalid:22',
      state: 'unknown',
      rawState: 'dns',
    });
  });

  it('validates every host, naming the one that fails', async () => {
    await driver([local()]).validate();
    const err = await failure(
      driver([
        local(),
        { name: 'down', address: '127.0.0.1', port: closedPort, username: 'root' },
      ]).validate(),
    );
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/^down \(127\.0\.0\.1:\d+\): Nothing accepted a connection/);
    expect((await failure(driver([]).validate())).kind).toBe('invalid');
  });

  it('reports a refused key as auth', async () => {
    const d = driver([local()], {}, stranger.privateKey);
    const err = await failure(d.validate());
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(`The server refused the key for user '${sshd.user}'`);
    const [machine] = await list(d);
    expect(machine).toMatchObject({ state: 'unknown', rawState: 'auth' });
    expect(await failure(d.machineAction(`127.0.0.1:${sshd.port}`, 'reboot'))).toMatchObject({
      kind: 'auth',
    });
  });

  it('uses a per-host key over the shared one', async () => {
    const d = createSshHostDriver({
      credentials: {
        privateKey: stranger.privateKey,
        hosts: { [`127.0.0.1:${sshd.port}`]: { privateKey: key.privateKey } },
      },
      config: { hosts: [local()] },
    });
    await d.validate();
  });

  it('pins host keys: first use is exposed, a mismatch is refused', async () => {
    const first = driver([local()]);
    await first.validate();
    expect(first.hostKeys).toEqual({
      [`127.0.0.1:${sshd.port}`]: {
        algorithm: 'ssh-ed25519',
        fingerprint: sshd.hostKeyFingerprint,
        firstUse: true,
      },
    });
    await driver([{ ...local(), hostKeyFingerprint: sshd.hostKeyFingerprint }]).validate();

    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const pinned = driver([{ ...local(), hostKeyFingerprint: wrong }]);
    const err = await failure(pinned.validate());
    expect(err.kind).toBe('auth');
    expect(err.options.code).toBe('host-key-mismatch');
    expect(err.message).toContain(wrong);
    expect(err.message).toContain(sshd.hostKeyFingerprint);
    const [machine] = await list(pinned);
    expect(machine).toMatchObject({ state: 'unknown', rawState: 'host-key-mismatch' });
  });

  it('never lets hostile names or users do anything on the host', async () => {
    const marker = join(scratch, 'pwned');
    const hostile = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `; touch ${marker}; rm -rf ${scratch}`,
      `'"; touch ${marker}`,
    ];
    const machines = await list(
      driver([
        { ...local(), name: hostile[0] },
        { address: 'localhost', port: sshd.port, username: hostile[0], name: 'hostile user' },
      ]),
    );
    expect(machines.find((m) => m.name === hostile[0])?.state).toBe('running');
    expect(machines.find((m) => m.name === 'hostile user')).toMatchObject({
      state: 'unknown',
      rawState: 'auth',
    });
    for (const user of hostile) {
      await failure(driver([{ ...local(), username: user }]).validate());
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(scratch)).toBe(true);
  });

  it('runs the power commands as argv, quoted', async () => {
    const marker = join(scratch, 'rebooted');
    const sneaky = ['x$(id)', 'y`id`', 'z;id', "q'uote"];
    const d = driver([local()], {
      powerCommands: {
        reboot: ['touch', marker, ...sneaky.map((n) => join(scratch, n))],
        poweroff: ['false'],
      },
    });
    await d.machineAction(`127.0.0.1:${sshd.port}`, 'reboot');
    expect(existsSync(marker)).toBe(true);
    // Each hostile argument arrived as one literal file name.
    expect(readdirSync(scratch).sort()).toEqual(expect.arrayContaining(sneaky));
    expect(readdirSync(scratch).some((n) => n.includes('uid='))).toBe(false);
    const failed = await failure(d.machineAction(`127.0.0.1:${sshd.port}`, 'stop'));
    expect(failed.kind).toBe('invalid');
    expect(failed.message).toMatch(/'false' failed on 127\.0\.0\.1 \(exit 1\)/);
  });

  it('counts the host dropping the connection as a successful poweroff', async () => {
    // The session's sshd process dies, as it does when the host goes down.
    const d = driver([local()], { powerCommands: { poweroff: ['sh', '-c', 'kill -9 $PPID; sleep 5'] } });
    await d.machineAction(`127.0.0.1:${sshd.port}`, 'stop');
  });

  it('explains what it cannot do', async () => {
    const d = driver([local()]);
    const id = `127.0.0.1:${sshd.port}`;
    const start = await failure(d.machineAction(id, 'start'));
    expect(start.kind).toBe('invalid');
    expect(start.message).toMatch(/cannot be powered on remotely/);
    await d.machineAction(id, 'destroy');
    await d.machineAction(id, 'rename', { name: 'new name' });
    expect((await failure(d.machineAction(id, 'rename'))).kind).toBe('invalid');
    expect((await failure(d.machineAction('10.9.9.9:22', 'reboot'))).kind).toBe('not-found');
    const create = await failure(d.createMachine({ name: 'x', size: 's', image: 'i', location: 'l' }));
    expect(create.kind).toBe('invalid');
    expect(create.message).toMatch(/added, not created/);
    expect(await d.listSizes()).toEqual([]);
    expect(await d.listImages()).toEqual([]);
    expect(await d.listLocations()).toEqual([]);
    const volumes: unknown[] = [];
    for await (const v of d.listVolumes(new AbortController().signal)) volumes.push(v);
    expect(volumes).toEqual([]);
    expect((await failure(d.volumeAction({ op: 'delete', volumeId: 'v' }))).kind).toBe('invalid');
  });

  it('refuses bad configuration up front', () => {
    expect(() => driver([{ address: '', username: 'x' }])).toThrow(/needs an address/);
    expect(() => driver([{ address: 'a', username: 'x', port: 0 }])).toThrow(/not a valid SSH port/);
    expect(() => driver([local(), local()])).toThrow(/listed twice/);
    expect(() => createSshHostDriver({ credentials: {}, config: { hosts: [local()] } })).toThrow(
      ProviderError,
    );
  });

  it('stops listing when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      await list(
        driver([local(), { address: 'localhost', port: sshd.port, username: sshd.user }]),
        controller.signal,
      ),
    ).toEqual([]);
  });
});
