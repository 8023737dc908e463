import type { StreamEvent } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitRepo, type GitServer, startGitServer } from '../../../test/support/git-server';
import type { TestApi, TestUser } from './support/harness';
import {
  createOrgWithUser,
  login,
  memberCookie,
  send,
  startOrgApi,
  startTestApi,
  watchStream,
} from './support/harness';

// Templates imported from real Git repositories served over smart HTTP on loopback: pinned to a
// commit, read-only here, updated from Git when the ref moves.

const TOKEN = 'ghp_template-repo-token-1234';
let api: TestApi;
let owner: TestUser;
let strict: TestApi;
let cookie: string;
let viewerCookie: string;
let server: GitServer;
let repo: GitRepo;

const template = (size: string) => `description: Web server (${size})
resources:
  machines:
    web:
      cloud: lab
      size: ${size}
      image: ubuntu-24-04-x64
      location: nyc1
`;

const call = async (method: string, url: string, payload?: unknown, as = cookie, on = api) => {
  const res = await send(on, as, method, url, payload);
  return { status: res.statusCode, text: res.body, body: res.body ? JSON.parse(res.body) : null };
};
const importing = (body: Record<string, unknown>, as = cookie) =>
  call('POST', '/api/v1/templates/import', body, as);

beforeAll(async () => {
  // The global setup opens loopback, where the Git server listens; `strict` has the default rules.
  ({ api, owner, ownerCookie: cookie } = await startOrgApi());
  viewerCookie = await memberCookie(api, owner.organizationId, 'viewer');
  strict = await startTestApi({ OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: '' });
  server = await startGitServer({ token: TOKEN });
  repo = server.repo('infra');
  repo.commit({ 'stacks/web.yaml': template('s-1vcpu-1gb'), 'README.md': 'infra\n' }, 'first');
});
afterAll(async () => {
  await server.close();
  await strict.close();
  await api.close();
});

describe('templates from Git', () => {
  it('imports the file at the remote HEAD, pinned to its commit; update makes a version only when the commit moved', async () => {
    const head = repo.commit({ 'README.md': 'infra, again\n' }, 'readme');
    // A reader's open Templates page hears of the import and of each version Git brings.
    const stream = await watchStream<StreamEvent>(api, viewerCookie);
    await new Promise((r) => setTimeout(r, 200));
    const imported = await importing({ name: 'web-git', url: repo.url, path: 'stacks/web.yaml' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      name: 'web-git',
      version: 1,
      description: 'Web server (s-1vcpu-1gb)',
      source: template('s-1vcpu-1gb'),
      git: { url: repo.url, ref: null, path: 'stacks/web.yaml', commit: head, hasToken: false },
    });
    const id = imported.body.id;

    const same = await call('POST', `/api/v1/templates/${id}/update-from-git`, {});
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      changed: false,
      fromCommit: head,
      toCommit: head,
      template: { version: 1 },
    });

    const next = repo.commit({ 'stacks/web.yaml': template('s-2vcpu-4gb') }, 'bigger');
    const updated = await call('POST', `/api/v1/templates/${id}/update-from-git`, {});
    expect(updated.body).toMatchObject({
      changed: true,
      fromCommit: head,
      toCommit: next,
      template: { version: 2, description: 'Web server (s-2vcpu-4gb)', git: { commit: next } },
    });
    const versions = await call('GET', `/api/v1/templates/${id}/versions`);
    expect(
      versions.body.items.map((v: { version: number; git: { commit: string } }) => [v.version, v.git]),
    ).toEqual([
      [2, { url: repo.url, commit: next, path: 'stacks/web.yaml' }],
      [1, { url: repo.url, commit: head, path: 'stacks/web.yaml' }],
    ]);
    expect(versions.body.items[1].source).toContain('s-1vcpu-1gb');

    // Read-only here: the source is changed in the repository; a rename is still fine.
    const edit = await call('PATCH', `/api/v1/templates/${id}`, { source: template('s-8vcpu-16gb') });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('template_from_git');
    const renamed = await call('PATCH', `/api/v1/templates/${id}`, { name: 'web-from-git' });
    expect(renamed.body).toMatchObject({ name: 'web-from-git', version: 2 });

    const viewer = await call('POST', `/api/v1/templates/${id}/update-from-git`, {}, viewerCookie);
    expect(viewer.status).toBe(403);
    const plain = await call('POST', '/api/v1/templates', { name: 'plain', source: template('x') });
    const notGit = await call('POST', `/api/v1/templates/${plain.body.id}/update-from-git`, {});
    expect(notGit.status).toBe(409);
    expect(notGit.body.error.code).toBe('template_not_from_git');
    await expect
      .poll(() =>
        stream.events.flatMap((e) => (e.type === 'template.changed' ? [[e.templateId, e.change]] : [])),
      )
      .toEqual([
        [id, 'created'],
        [id, 'version'],
        [id, 'renamed'],
        [plain.body.id, 'created'],
      ]);
    stream.close();
  });

  it('imports by branch, by tag and by commit id, each pinned to the commit it names', async () => {
    const tagged = repo.commit({ 'stacks/web.yaml': template('s-4vcpu-8gb') }, 'release');
    repo.tag('v2', 'release 2');
    repo.branch('staging');
    const staged = repo.commit({ 'stacks/web.yaml': template('s-1vcpu-2gb') }, 'staging');
    repo.checkout('main');
    repo.commit({ 'stacks/web.yaml': template('s-16vcpu-32gb') }, 'later');

    const byBranch = await importing({
      name: 'by-branch',
      url: repo.url,
      ref: 'staging',
      path: 'stacks/web.yaml',
    });
    expect(byBranch.body.git).toMatchObject({ ref: 'staging', commit: staged });
    expect(byBranch.body.source).toContain('s-1vcpu-2gb');
    const byTag = await importing({ name: 'by-tag', url: repo.url, ref: 'v2', path: 'stacks/web.yaml' });
    expect(byTag.body.git).toMatchObject({ ref: 'v2', commit: tagged });
    const byCommit = await importing({
      name: 'by-commit',
      url: repo.url,
      ref: tagged,
      path: 'stacks/web.yaml',
    });
    expect(byCommit.body.git).toMatchObject({ ref: tagged, commit: tagged });
    expect(byCommit.body.source).toContain('s-4vcpu-8gb');

    // A branch that moves gives a new version; a commit id never moves.
    repo.checkout('staging');
    const moved = repo.commit({ 'stacks/web.yaml': template('s-2vcpu-2gb') });
    repo.checkout('main');
    const branchUpdate = await call('POST', `/api/v1/templates/${byBranch.body.id}/update-from-git`, {});
    expect(branchUpdate.body).toMatchObject({ changed: true, toCommit: moved, template: { version: 2 } });
    const commitUpdate = await call('POST', `/api/v1/templates/${byCommit.body.id}/update-from-git`, {});
    expect(commitUpdate.body).toMatchObject({ changed: false, toCommit: tagged, template: { version: 1 } });
  });

  it('says what is wrong in plain words and stores nothing', async () => {
    const count = () => api.db.prisma.template.count({ where: { organizationId: owner.organizationId } });
    const before = await count();
    const badRef = await importing({
      name: 'bad-ref',
      url: repo.url,
      ref: 'no-such-branch',
      path: 'stacks/web.yaml',
    });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error).toMatchObject({ code: 'git_ref_not_found', field: 'body.ref' });
    expect(badRef.body.error.message).toContain('no-such-branch');

    const missing = await importing({ name: 'missing', url: repo.url, path: 'stacks/db.yaml' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'git_file_not_found', field: 'body.path' });

    const broken = repo.commit({
      'stacks/broken.yaml': template('s-1vcpu-1gb').replace('location: nyc1', 'location: ['),
    });
    const invalid = await importing({ name: 'invalid', url: repo.url, path: 'stacks/broken.yaml' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_template');
    expect(invalid.body.error.message).toMatch(/line \d+/);
    expect(invalid.body.error.message).toContain(broken.slice(0, 12));

    for (const path of ['../secrets.yaml', '/etc/passwd', 'stacks/../../x.yaml', 'a\\b.yaml']) {
      const hostile = await importing({ name: 'hostile', url: repo.url, path });
      expect(hostile.status, path).toBe(400);
      expect(hostile.body.error.field, path).toBe('body.path');
    }
    const nul = await importing({ name: 'nul', url: repo.url, path: 'stacks/web.yaml\u0000' });
    expect(nul.status).toBe(400);
    for (const url of [
      'ssh://git@example.com/infra.git',
      'git@example.com:infra.git',
      'file:///etc',
      `http://user:pw@${server.base.slice(7)}/infra`,
    ]) {
      const refused = await importing({ name: 'bad-url', url, path: 'stacks/web.yaml' });
      expect(refused.status, url).toBe(400);
    }
    const badRefName = await importing({
      name: 'bad-ref-name',
      url: repo.url,
      ref: '../main',
      path: 'stacks/web.yaml',
    });
    expect(badRefName.status).toBe(400);
    const unreachable = await importing({
      name: 'gone',
      url: `${server.base}/absent`,
      path: 'stacks/web.yaml',
    });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.code).toBe('git_unreachable');
    expect(await count()).toBe(before);
  });

  it('imports a template with an ansible step for owners and admins only, and updates it so', async () => {
    const memberOnly = await memberCookie(api, owner.organizationId, 'member');
    const play = server.repo('play');
    const withStep = (size: string) =>
      `${template(size)}steps:\n  setup:\n    on: [web]\n    kind: ansible\n    playbook: |\n      - hosts: all\n        tasks: []\n`;
    play.commit({ 'web.yaml': template('s-1vcpu-1gb') });
    // A member imports the plain template; a commit then adds a playbook, which they may not take in.
    const plain = await importing({ name: 'play-plain', url: play.url, path: 'web.yaml' }, memberOnly);
    expect(plain.status).toBe(201);
    play.commit({ 'web.yaml': withStep('s-2vcpu-2gb') });
    const update = await call('POST', `/api/v1/templates/${plain.body.id}/update-from-git`, {}, memberOnly);
    expect(update.status).toBe(403);
    expect(update.body.error.code).toBe('ansible_admins_only');
    expect((await call('GET', `/api/v1/templates/${plain.body.id}`)).body.version).toBe(1);
    const imported = await importing({ name: 'play-step', url: play.url, path: 'web.yaml' }, memberOnly);
    expect(imported.status).toBe(403);
    expect(imported.body.error.code).toBe('ansible_admins_only');
    expect(await api.db.prisma.template.count({ where: { name: 'play-step' } })).toBe(0);

    expect((await call('POST', `/api/v1/templates/${plain.body.id}/update-from-git`, {})).body).toMatchObject(
      {
        changed: true,
        template: { version: 2 },
      },
    );
    expect((await importing({ name: 'play-step', url: play.url, path: 'web.yaml' })).status).toBe(201);
  });

  it('keeps the current version when the new commit breaks the template or removes the file', async () => {
    const other = server.repo('other');
    const good = other.commit({ 'web.yaml': template('s-1vcpu-1gb') });
    const imported = await importing({ name: 'other', url: other.url, path: 'web.yaml' });
    const id = imported.body.id;
    const broken = other.commit({
      'web.yaml': template('s-1vcpu-1gb').replace('size: s-1vcpu-1gb', 'size: [1]'),
    });
    const invalid = await call('POST', `/api/v1/templates/${id}/update-from-git`, {});
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_template');
    expect(invalid.body.error.message).toContain('line 6 (resources.machines.web.size)');
    expect(invalid.body.error.message).toContain(broken.slice(0, 12));
    // The update's body has no path: the error names no field of it.
    expect(invalid.body.error.field).toBeUndefined();
    other.commit({ 'web.yaml': null });
    const gone = await call('POST', `/api/v1/templates/${id}/update-from-git`, {});
    expect(gone.status).toBe(400);
    expect(gone.body.error.code).toBe('git_file_not_found');
    const after = await call('GET', `/api/v1/templates/${id}`);
    expect(after.body).toMatchObject({ version: 1, git: { commit: good } });
  });

  it('refuses a repository on a private address when the outbound rules do not open it, before any request', async () => {
    const strictCookie = await login(strict, await createOrgWithUser(strict.db));
    const seen = server.requests.length;
    const refused = await call(
      'POST',
      '/api/v1/templates/import',
      { name: 'private', url: repo.url, path: 'stacks/web.yaml' },
      strictCookie,
      strict,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('outbound_address_refused');
    expect(refused.body.error.message).toContain('outbound.allowPrivateNetworks');
    expect(server.requests.length).toBe(seen);
  });

  it('reads a private repository with a token that is stored sealed and never returned', async () => {
    const priv = server.repo('private-infra');
    const first = priv.commit({ 'web.yaml': template('s-1vcpu-1gb') });
    const noToken = await importing({ name: 'private', url: priv.url, path: 'web.yaml' });
    expect(noToken.status).toBe(422);
    expect(noToken.body.error.code).toBe('git_auth_failed');

    const imported = await importing({ name: 'private', url: priv.url, path: 'web.yaml', token: TOKEN });
    expect(imported.status).toBe(201);
    expect(imported.body.git).toMatchObject({ commit: first, hasToken: true });
    const id = imported.body.id;
    const second = priv.commit({ 'web.yaml': template('s-2vcpu-2gb') });
    const updated = await call('POST', `/api/v1/templates/${id}/update-from-git`, {});
    expect(updated.body).toMatchObject({ changed: true, toCommit: second });

    // A wrong token is refused and the stored one kept.
    const wrong = await call('POST', `/api/v1/templates/${id}/update-from-git`, { token: 'wrong' });
    expect(wrong.status).toBe(422);
    expect((await call('POST', `/api/v1/templates/${id}/update-from-git`, {})).status).toBe(200);

    const reads = [
      imported.text,
      updated.text,
      (await call('GET', `/api/v1/templates/${id}`)).text,
      (await call('GET', '/api/v1/templates')).text,
      (await call('GET', `/api/v1/templates/${id}/versions`)).text,
    ];
    for (const text of reads) expect(text).not.toContain(TOKEN);
    const row = await api.db.prisma.template.findUniqueOrThrow({ where: { id } });
    expect(Buffer.from(row.gitToken!).toString('latin1')).not.toContain(TOKEN);
    const audit = await api.db.prisma.auditEvent.findMany({
      where: { resourceId: id },
      select: { details: true },
    });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
  });
});
