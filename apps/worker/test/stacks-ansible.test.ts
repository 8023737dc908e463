// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DigitalOceanSim, startDigitalOceanSim } from '@overcast/cloud-sim';
import type { Database } from '@overcast/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { waitFor } from './support/harness';
import { type StackWorld, startStackWorld } from './support/stack-world';

// Ansible steps end to end: the gallery's database cluster, saved by the owner and deployed from
// the catalog by a member, configured by its playbook with Debian's ansible-playbook on machines
// of the DigitalOcean emulator, each answering with a real sshd at its loopback address.

const outDir = mkdtempSync(join(tmpdir(), 'overcast-stack-ansible-'));

let world: StackWorld;
let db: Database;
let sim: DigitalOceanSim;
let owner: string;
let member: string;
let organizationId: string;
let publicKey: string;
const sshds = new Map<string, SshdHandle>();

const call = (method: string, url: string, payload?: unknown, cookie = owner) =>
  world.call(method, url, payload, cookie);

beforeAll(async () => {
  world = await startStackWorld('stacks_ansible', { OVERCAST_AUTOMATION_SCRIPT_TIMEOUT_SECONDS: '120' });
  ({ db, owner, member, organizationId, publicKey } = world);
  sim = await startDigitalOceanSim({
    accounts: [{ token: 'do', droplets: 0 }],
    // An sshd listens on each droplet's address, port 22: away from the addresses of the other
    // stack tests' droplets, whose sshds may be listening at the same time.
    firstDropletId: 400_300_001,
    bootDelayMs: 1_000,
    actionDelayMs: 100,
  });
  await world.addDigitalOcean('do', sim.url, 'do');
  world.startWorker();
}, 120_000);

afterAll(async () => {
  await world?.close();
  for (const s of sshds.values()) await s.stop();
  await sim?.close();
  rmSync(outDir, { recursive: true, force: true });
});

const stackOf = (id: string) => world.stackOf(id);

/** Each machine of the stack answers over SSH at the address the emulator gave it. */
async function answerSsh(prefix: string, count: number) {
  const rows = await waitFor(
    async () => {
      const ms = await db.prisma.machine.findMany({ where: { name: { startsWith: `${prefix}-` } } });
      return ms.length === count && ms.every((m) => m.publicIps.length > 0) ? ms : null;
    },
    60_000,
    `the ${prefix} machines to have addresses`,
  );
  for (const m of rows) {
    const host = m.publicIps[0]!;
    expect(host).toMatch(/^127\./);
    if (!sshds.has(host)) sshds.set(host, await startSshd({ host, port: 22, authorizedKeys: [publicKey] }));
  }
  return new Map(rows.map((m) => [m.name, m.publicIps[0]!]));
}

const settled = async (id: string) => {
  let last: unknown;
  return waitFor(
    async () => {
      const s = await stackOf(id);
      last = s;
      return s.status === 'deployed' || s.status === 'failed' ? s : null;
    },
    180_000,
    'the stack to settle',
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last)}`);
  });
};

describe('ansible steps', () => {
  it("configures the gallery's database cluster deployed by a member: the primary's address and the password reach the replicas, untemplated", async () => {
    const gallery = await call('GET', '/api/v1/templates/gallery');
    const source = gallery.body.items.find((t: { name: string }) => t.name === 'database-cluster').source;
    // The member may not save the playbook; the owner does, and publishes it to the member's team.
    const refused = await call('POST', '/api/v1/templates', { name: 'db', source }, member);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ansible_admins_only');
    expect(await db.prisma.template.count({ where: { organizationId } })).toBe(0);
    const template = await call('POST', '/api/v1/templates', { name: 'db', source });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const team = await call('POST', '/api/v1/teams', { name: 'Data' });
    const [memberRow] = await db.prisma.membership.findMany({ where: { organizationId, role: 'member' } });
    await call('PUT', `/api/v1/teams/${team.body.id}/members`, { userIds: [memberRow!.userId] });
    const policies = await call('PUT', `/api/v1/teams/${team.body.id}/policies`, {
      policies: [
        { effect: 'allow', action: '*', kind: 'machines' },
        { effect: 'allow', action: '*', kind: 'stacks' },
        { effect: 'allow', action: 'read', kind: 'clouds' },
      ],
    });
    expect(policies.status).toBe(200);
    const item = await call('POST', '/api/v1/catalog', {
      templateId: template.body.id,
      name: 'Database cluster',
      teamIds: [team.body.id],
    });
    expect(item.status, JSON.stringify(item.body)).toBe(201);

    const password = `pw-${randomBytes(8).toString('hex')}`;
    const hostile = "{{ lookup('pipe', 'id') }}";
    const deployed = await call(
      'POST',
      `/api/v1/catalog/${item.body.id}/deploy`,
      {
        name: 'pg',
        inputs: {
          cloud: 'do',
          key: 'deploy',
          replication_password: password,
          cluster_name: hostile,
          config_dir: outDir,
        },
      },
      member,
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const addresses = await answerSsh('pg', 3);
    const done = await settled(deployed.body.id);
    expect(done.status, done.error).toBe('deployed');
    const primary = addresses.get('pg-primary')!;
    expect(done.outputs.primary).toBe(primary);

    const conf = (name: string) => readFileSync(join(outDir, `${name}.conf`), 'utf8');
    expect(conf('pg-primary')).toBe(
      `role=primary\ncluster=${hostile}\nlisten=${primary}\nreplication_password=${password}\n`,
    );
    for (const replica of ['pg-replica-1', 'pg-replica-2'])
      expect(conf(replica)).toBe(
        `role=replica\ncluster=${hostile}\nprimary=${primary}\nreplication_password=${password}\n`,
      );
    // The secret is in no output the stack or its run shows.
    const step = done.steps.find((s: { name: string }) => s.name === 'cluster');
    expect(step).toMatchObject({ status: 'succeeded' });
    expect(step.output).toMatch(/PLAY RECAP/);
    const run = await call('GET', `/api/v1/script-runs/${step.scriptRunId}`);
    expect(run.status).toBe(200);
    expect(run.body.targets).toHaveLength(3);
    expect(run.body.parameters).toMatchObject({ primary_address: primary, replication_password: '(secret)' });
    expect(JSON.stringify(run.body)).not.toContain(password);
    expect(JSON.stringify(done)).not.toContain(password);
  }, 400_000);

  it('a failing ansible step fails only itself, and succeeds when retried', async () => {
    const gate = join(outDir, 'gate');
    const source = `resources:
  machines:
    box:
      cloud: do
      size: s-1vcpu-1gb
      image: debian-12-x64
      location: ams3
      key: deploy
steps:
  hello:
    on: [box]
    script: echo hello
  gated:
    on: [box]
    kind: ansible
    env:
      gate: ${gate}
    playbook: |
      - hosts: all
        gather_facts: false
        tasks:
          - ansible.builtin.stat:
              path: "{{ gate }}"
            register: found
          - ansible.builtin.assert:
              that: found.stat.exists
              fail_msg: the gate is closed
`;
    const template = await call('POST', '/api/v1/templates', { name: 'gated', source });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const deployed = await call('POST', '/api/v1/stacks', { name: 'gated', templateId: template.body.id });
    expect(deployed.status).toBe(201);
    await answerSsh('gated', 1);
    const failed = await settled(deployed.body.id);
    expect(failed.status).toBe('failed');
    type Step = { name: string; status: string; error: string; attempt: number };
    const step = (s: { steps: Step[] }, name: string) => s.steps.find((x) => x.name === name)!;
    expect(step(failed, 'hello')).toMatchObject({ status: 'succeeded' });
    expect(step(failed, 'gated').status).toBe('failed');
    expect(step(failed, 'gated').error).toMatch(/1 task failed on gated-box/);
    expect(failed.error).toMatch(/^step gated:/);
    expect(failed.resources.every((r: { status: string }) => r.status === 'ready')).toBe(true);

    writeFileSync(gate, '');
    const retried = await call('POST', `/api/v1/stacks/${deployed.body.id}/steps/gated/retry`);
    expect(retried.status).toBe(202);
    const done = await settled(deployed.body.id);
    expect(done.status, done.error).toBe('deployed');
    expect(step(done, 'gated')).toMatchObject({ status: 'succeeded', attempt: 1 });
  }, 400_000);
});
