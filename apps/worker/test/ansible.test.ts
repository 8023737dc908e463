import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { waitFor } from './support/harness';
import { type StackWorld, startStackWorld } from './support/stack-world';

// Ansible scripts end to end: the real api (in process), the built worker running Debian's
// ansible-playbook, and OpenSSH on two loopback addresses as the machines.

const outDir = mkdtempSync(join(tmpdir(), 'overcast-ansible-out-'));

let world: StackWorld;
let db: Database;
let owner: string;
let member: string;
let organizationId: string;
let cloudId: string;
const sshds: SshdHandle[] = [];
const machines: string[] = [];

const call = (method: string, url: string, payload?: unknown, cookie = owner) =>
  world.call(method, url, payload, cookie);

async function addMachine(name: string, sshd: SshdHandle) {
  const m = await db.prisma.machine.create({
    data: {
      organizationId,
      cloudId,
      externalId: `m-${randomBytes(4).toString('hex')}`,
      name,
      state: 'running',
      publicIps: [sshd.host],
      sshPort: sshd.port,
      sshUser: sshd.user,
    },
  });
  return m.id;
}

async function finishedRun(id: string) {
  return waitFor(
    async () => {
      const run = await call('GET', `/api/v1/script-runs/${id}`);
      return run.body.finishedAt ? run.body : null;
    },
    90_000,
    'the playbook run to finish',
  );
}

async function runPlaybook(
  body: string,
  machineIds: string[],
  extra: object = {},
  params?: Record<string, string>,
) {
  const script = await call('POST', '/api/v1/scripts', {
    name: `play-${randomBytes(3).toString('hex')}`,
    kind: 'ansible',
    body,
    ...extra,
  });
  expect(script.status, JSON.stringify(script.body)).toBe(201);
  const started = await call('POST', `/api/v1/scripts/${script.body.id}/runs`, {
    targets: { machineIds },
    ...(params ? { params } : {}),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const run = await finishedRun(started.body.id);
  const byId = new Map<
    string,
    { status: string; exitCode: number | null; error: string | null; stdout: string }
  >(run.targets.map((t: { machineId: string }) => [t.machineId, t]));
  return { run, byId };
}

const ansibleDirs = () => readdirSync(tmpdir()).filter((f) => /^overcast-ansible-(?!out-)/.test(f));

beforeAll(async () => {
  world = await startStackWorld('ansible', { OVERCAST_AUTOMATION_SCRIPT_TIMEOUT_SECONDS: '120' });
  ({ db, owner, member, organizationId } = world);

  for (const host of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
    sshds.push(await startSshd({ host, authorizedKeys: [world.publicKey] }));
  const cloud = await db.prisma.cloud.create({
    data: {
      organizationId,
      provider: 'digitalocean',
      title: 'hosts',
      credentials: Buffer.from('x'),
      enabled: false,
    },
  });
  cloudId = cloud.id;
  machines.push(await addMachine('box-a', sshds[0]!), await addMachine('box-b', sshds[1]!));
  world.startWorker();
}, 120_000);

afterAll(async () => {
  await world?.close();
  for (const s of sshds) await s.stop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('ansible scripts', () => {
  it('a playbook configures two sshd hosts; parameters arrive untemplated; the keys are gone after', async () => {
    const before = new Set(ansibleDirs());
    const hostile = "{{ lookup('pipe', 'id') }} it's \"quoted\"";
    const { run, byId } = await runPlaybook(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: write the greeting',
        '      ansible.builtin.copy:',
        `        dest: "${outDir}/{{ inventory_hostname }}.txt"`,
        '        content: "{{ GREETING }}"',
        '    - name: show the key file',
        '      ansible.builtin.debug:',
        '        var: ansible_ssh_private_key_file',
      ].join('\n'),
      machines,
      { parameters: [{ name: 'GREETING', required: true }] },
      { GREETING: hostile },
    );
    expect(run.status, JSON.stringify(run.targets)).toBe('succeeded');
    for (const [id, name] of [
      [machines[0]!, 'box-a'],
      [machines[1]!, 'box-b'],
    ] as const) {
      const t = byId.get(id)!;
      expect(t.status, t.error ?? '').toBe('succeeded');
      expect(t.exitCode).toBe(0);
      expect(readFileSync(join(outDir, `${name}.txt`), 'utf8')).toBe(hostile);
      // Each machine's record holds its own lines.
      expect(t.stdout).toContain(`changed: [${name}]`);
      expect(t.stdout).not.toContain(`[${name === 'box-a' ? 'box-b' : 'box-a'}]`);
      expect(t.stdout).toMatch(/PLAY RECAP/);
    }
    const keyFile = /"ansible_ssh_private_key_file": "([^"]+)"/.exec(byId.get(machines[0]!)!.stdout)?.[1];
    expect(keyFile).toBeTruthy();
    expect(existsSync(keyFile!)).toBe(false);
    expect(ansibleDirs().filter((d) => !before.has(d))).toEqual([]);
  }, 120_000);

  it('a failing task on one host fails that machine alone', async () => {
    const { run, byId } = await runPlaybook(
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - ansible.builtin.command: /bin/false',
        '      when: inventory_hostname == "box-b"',
        '    - ansible.builtin.command: /bin/true',
      ].join('\n'),
      machines,
    );
    expect(run.status).toBe('failed');
    expect(byId.get(machines[0]!)!.status).toBe('succeeded');
    const b = byId.get(machines[1]!)!;
    expect(b.status).toBe('failed');
    expect(b.exitCode).toBe(2);
    expect(b.error).toMatch(/1 task failed on box-b/);
    expect(b.stdout).toContain('fatal: [box-b]');
  }, 120_000);

  it('refuses a host whose key differs from the pinned one, and runs on the others', async () => {
    const c = await addMachine('box-c', sshds[2]!);
    const marker = join(outDir, 'box-c-second.txt');
    const play = (file: string) =>
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.file:\n        path: "${file}"\n        state: touch\n`;
    const first = await runPlaybook(play(join(outDir, 'box-c-first.txt')), [c]);
    expect(first.byId.get(c)!.status, first.byId.get(c)!.error ?? '').toBe('succeeded');
    await sshds[2]!.restartWithNewHostKey();
    const second = await runPlaybook(play(marker), [c, machines[0]!]);
    const t = second.byId.get(c)!;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/does not match/);
    expect(existsSync(marker)).toBe(true); // written by box-a: both sshds share this filesystem
    expect(second.byId.get(machines[0]!)!.status).toBe('succeeded');
    expect(second.run.targets).toHaveLength(2);
  }, 120_000);

  it('refuses an invalid playbook on save, naming the line; members may not write playbooks', async () => {
    const bad = await call('POST', '/api/v1/scripts', {
      name: 'broken',
      kind: 'ansible',
      body: '- hosts: all\n  tasks:\n    - name: x\n      shell: "unclosed\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Line \d/);
    expect(bad.body.error.field).toBe('body.body');
    const notPlays = await call('POST', '/api/v1/scripts', {
      name: 'np',
      kind: 'ansible',
      body: 'hosts: all\n',
    });
    expect(notPlays.status).toBe(400);
    expect(notPlays.body.error.message).toMatch(/list of plays/);
    const roles = await call('POST', '/api/v1/scripts', {
      name: 'roles',
      kind: 'ansible',
      body: '- hosts: all\n  tasks: []\n',
      requirements: 'roles:\n  - geerlingguy.docker\n',
    });
    expect(roles.status).toBe(400);
    expect(roles.body.error.field).toBe('body.requirements');
    expect(
      await db.prisma.script.count({ where: { organizationId, name: { in: ['broken', 'np', 'roles'] } } }),
    ).toBe(0);
    const byMember = await call(
      'POST',
      '/api/v1/scripts',
      { name: 'm', kind: 'ansible', body: '- hosts: all\n  tasks: []\n' },
      member,
    );
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.message).toMatch(/Only owners and admins may write ansible scripts/);
    expect(byMember.body.error.code).toBe('ansible_admins_only');
    // An extra variable named after a connection setting would steer how the worker connects.
    const steering = await call('POST', '/api/v1/scripts', {
      name: 'steer',
      kind: 'ansible',
      body: '- hosts: all\n  tasks: []\n',
      parameters: [{ name: 'ansible_ssh_common_args' }],
    });
    expect(steering.status).toBe(400);
    expect(steering.body.error.message).toMatch(/ansible_ssh_common_args is a variable Ansible itself uses/);
    expect(await db.prisma.script.count({ where: { organizationId, name: 'm' } })).toBe(0);
  });

  it('fails the run with a clear message when the requirements name a collection the worker lacks', async () => {
    const { byId } = await runPlaybook('- hosts: all\n  gather_facts: false\n  tasks: []\n', [machines[0]!], {
      requirements: 'collections:\n  - overcast_test.not_installed\n',
    });
    const t = byId.get(machines[0]!)!;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/overcast_test\.not_installed.*does not have.*downloads nothing/);
  }, 120_000);
});
