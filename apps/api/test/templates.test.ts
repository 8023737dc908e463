// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { memberCookie, send, startOrgApi } from './support/harness';

// Templates: stored with every version, validated with problems by line, their schema served.

let api: TestApi;
let owner: TestUser;
let cookie: string;
let viewerCookie: string;
let memberOnly: string;
let adminCookie: string;

const call = async (method: string, url: string, payload?: unknown, as = cookie) => {
  const res = await send(api, as, method, url, payload);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
};

const SOURCE = `description: One web server
inputs:
  cloud:
    type: string
resources:
  machines:
    web:
      cloud: \${inputs.cloud}
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
steps:
  hello:
    on: [web]
    script: echo hello
outputs:
  url: http://\${machines.web.address}/
`;

beforeAll(async () => {
  ({ api, owner, ownerCookie: cookie } = await startOrgApi());
  viewerCookie = await memberCookie(api, owner.organizationId, 'viewer');
  memberOnly = await memberCookie(api, owner.organizationId, 'member');
  adminCookie = await memberCookie(api, owner.organizationId, 'admin');
});
afterAll(() => api.close());

describe('templates api', () => {
  it('stores a template; a new source makes a new version and the old one stays', async () => {
    const created = await call('POST', '/api/v1/templates', { name: 'web', source: SOURCE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'web',
      version: 1,
      description: 'One web server',
      inputs: { cloud: { type: 'string' } },
    });
    const id = created.body.id;
    const renamed = await call('PATCH', `/api/v1/templates/${id}`, { name: 'web-server' });
    expect(renamed.body).toMatchObject({ name: 'web-server', version: 1 });
    const edited = await call('PATCH', `/api/v1/templates/${id}`, {
      source: SOURCE.replace('echo hello', 'echo hi'),
    });
    expect(edited.body.version).toBe(2);
    const versions = await call('GET', `/api/v1/templates/${id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.body.items[1].source).toContain('echo hello');
    // Each version says what a deploy of it asks for; the template says who saved the current one.
    expect(versions.body.items[1].inputs).toEqual({ cloud: { type: 'string' } });
    expect(edited.body.changedBy).toBe(versions.body.items[0].createdBy);
    expect(edited.body.changedBy).not.toBe('');
    const list = await call('GET', '/api/v1/templates', undefined, viewerCookie);
    expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(['web-server']);
    const dup = await call('POST', '/api/v1/templates', { name: 'web-server', source: SOURCE });
    expect(dup.status).toBe(409);
  });

  it('refuses a source with problems, naming the line, and writes nothing', async () => {
    const broken = SOURCE.replace('size: s-1vcpu-1gb', 'size: 12');
    const refused = await call('POST', '/api/v1/templates', { name: 'broken', source: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_template', field: 'body.source' });
    expect(refused.body.error.message).toContain('line 9 (resources.machines.web.size)');
    const list = await call('GET', '/api/v1/templates');
    expect(list.body.items.map((t: { name: string }) => t.name)).not.toContain('broken');
  });

  it('validates a source without storing it', async () => {
    const ok = await call('POST', '/api/v1/templates/validate', { source: SOURCE });
    expect(ok.body).toEqual({ valid: true, problems: [] });
    const bad = await call('POST', '/api/v1/templates/validate', {
      source: SOURCE.replace('on: [web]', 'on: [db]'),
    });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.problems[0]).toMatchObject({ line: 14, field: 'steps.hello.on.0' });
  });

  it('serves the JSON Schema of the document', async () => {
    const schema = await call('GET', '/api/v1/templates/schema.json');
    expect(schema.status).toBe(200);
    expect(schema.body.$id).toBe('/api/v1/templates/schema.json');
    expect(schema.body.properties.resources.properties.machines).toBeDefined();
  });

  it('serves the gallery to readers, each template valid as it stands', async () => {
    const gallery = await call('GET', '/api/v1/templates/gallery', undefined, viewerCookie);
    expect(gallery.status).toBe(200);
    expect(gallery.body.items.map((t: { name: string }) => t.name)).toContain('web-behind-load-balancer');
    for (const t of gallery.body.items) {
      expect(t.description, t.name).not.toBe('');
      const checked = await call('POST', '/api/v1/templates/validate', { source: t.source });
      expect(checked.body, t.name).toEqual({ valid: true, problems: [] });
    }
  });

  it('lets viewers read but not write', async () => {
    const refused = await call('POST', '/api/v1/templates', { name: 'v', source: SOURCE }, viewerCookie);
    expect(refused.status).toBe(403);
  });
});

/** SOURCE with its step as a playbook (lines 13-22; the playbook starts on line 19). */
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
`;
const ansibleStep = (playbook = PLAYBOOK) =>
  SOURCE.replace(
    '  hello:\n    on: [web]\n    script: echo hello\n',
    `  hello:\n    on: [web]\n    kind: ansible\n    env:\n      cloud: \${inputs.cloud}\n    playbook: |\n${playbook
      .trimEnd()
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n')}\n`,
  );

describe('templates with ansible steps', () => {
  it('are saved by owners and admins only: a member gets 403, on create and on a new version, and nothing is written', async () => {
    const refused = await call(
      'POST',
      '/api/v1/templates',
      { name: 'play', source: ansibleStep() },
      memberOnly,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ansible_admins_only');
    expect(refused.body.error.message).toMatch(
      /Only owners and admins may write a template with an ansible step \(steps\.hello\)/,
    );
    const names = async () =>
      (await call('GET', '/api/v1/templates')).body.items.map((t: { name: string }) => t.name);
    expect(await names()).not.toContain('play');

    // A member's own template without a playbook stays theirs to edit, but not to give it one.
    const plain = await call('POST', '/api/v1/templates', { name: 'plain', source: SOURCE }, memberOnly);
    expect(plain.status).toBe(201);
    const edit = await call(
      'PATCH',
      `/api/v1/templates/${plain.body.id}`,
      { source: ansibleStep() },
      memberOnly,
    );
    expect(edit.status).toBe(403);
    expect(edit.body.error.code).toBe('ansible_admins_only');
    const versions = await call('GET', `/api/v1/templates/${plain.body.id}/versions`);
    expect(versions.body.items).toHaveLength(1);

    const byAdmin = await call(
      'POST',
      '/api/v1/templates',
      { name: 'play', source: ansibleStep() },
      adminCookie,
    );
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ name: 'play', version: 1 });
    const adminEdit = await call(
      'PATCH',
      `/api/v1/templates/${plain.body.id}`,
      { source: ansibleStep() },
      adminCookie,
    );
    expect(adminEdit.body).toMatchObject({ version: 2 });
    // Renaming keeps the playbook as the admin saved it: a member may.
    const renamed = await call(
      'PATCH',
      `/api/v1/templates/${byAdmin.body.id}`,
      { name: 'play-renamed' },
      memberOnly,
    );
    expect(renamed.body).toMatchObject({ name: 'play-renamed', version: 1 });
  });

  it('validates the ansible shape with line-numbered problems, and the schema describes both kinds', async () => {
    const ok = await call('POST', '/api/v1/templates/validate', { source: ansibleStep() });
    expect(ok.body).toEqual({ valid: true, problems: [] });
    const noPlaybook = await call('POST', '/api/v1/templates/validate', {
      source: ansibleStep().replace('    playbook: |', '    script: |'),
    });
    expect(noPlaybook.body.problems).toContainEqual(
      expect.objectContaining({
        line: 13,
        field: 'steps.hello.playbook',
        message: 'Expected required property',
      }),
    );
    expect(noPlaybook.body.problems).toContainEqual(
      expect.objectContaining({ line: 18, field: 'steps.hello.script', message: 'Unexpected property' }),
    );
    // The playbook's fifth line is the template's line 23.
    const noHosts = await call('POST', '/api/v1/templates/validate', {
      source: ansibleStep(`${PLAYBOOK}- tasks: []\n`),
    });
    expect(noHosts.body.problems).toEqual([
      expect.objectContaining({
        line: 23,
        field: 'steps.hello.playbook',
        message: expect.stringMatching(/names no hosts/),
      }),
    ]);
    const saved = await call('POST', '/api/v1/templates', {
      name: 'no-hosts',
      source: ansibleStep(`${PLAYBOOK}- tasks: []\n`),
    });
    expect(saved.status).toBe(400);
    expect(saved.body.error.message).toContain('line 23 (steps.hello.playbook)');

    const schema = (await call('GET', '/api/v1/templates/schema.json')).body;
    const [step] = Object.values(schema.properties.steps.patternProperties) as {
      anyOf: { required: string[] }[];
    }[];
    const kinds = step!.anyOf;
    expect(kinds.map((k: { required: string[] }) => k.required)).toEqual([
      ['on', 'script'],
      ['on', 'kind', 'playbook'],
    ]);
  });
});
