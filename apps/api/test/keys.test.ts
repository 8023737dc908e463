import { generateKeyPairSync } from 'node:crypto';
import { openPrivateKey } from '@overcast/core/keys';
import { generateKeyPair } from '@overcast/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import {
  memberCookie as addUser,
  createOrgWithUser,
  login,
  seedMachine,
  send,
  startOrgApi,
} from './support/harness';

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let adminCookie: string;
let memberCookie: string;
let viewerCookie: string;
/** Every response body seen, to check no private key ever leaves the api. */
const bodies: string[] = [];

async function call(cookie: string, method: string, url: string, payload?: unknown) {
  const res = await send(api, cookie, method, url, payload);
  bodies.push(res.body);
  return res;
}

const addMachine = (organizationId: string, name: string) => seedMachine(api.db, organizationId, { name });

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
  adminCookie = await addUser(api, owner.organizationId, 'admin');
  memberCookie = await addUser(api, owner.organizationId, 'member');
  viewerCookie = await addUser(api, owner.organizationId, 'viewer');
});
afterAll(() => api?.close());

describe('SSH keys', () => {
  let firstId = '';

  it('generates an ed25519 key by default; the first key becomes the default', async () => {
    const res = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'deploy' });
    expect(res.statusCode).toBe(201);
    const key = res.json();
    expect(key).toMatchObject({ name: 'deploy', algorithm: 'ssh-ed25519', isDefault: true, machineCount: 0 });
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAA\S+ overcast:deploy$/);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(Object.keys(key).sort()).toEqual(
      [
        'algorithm',
        'createdAt',
        'fingerprint',
        'id',
        'isDefault',
        'machineCount',
        'name',
        'publicKey',
      ].sort(),
    );
    firstId = key.id;

    // Sealed at rest, bound to its row.
    const row = await api.db.prisma.sshKey.findUniqueOrThrow({ where: { id: firstId } });
    expect(Buffer.from(row.privateKey).toString('latin1')).not.toContain('PRIVATE KEY');
    expect(openPrivateKey(api.box, row).privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(() => api.box.open(row.privateKey, 'ssh-key:another-id')).toThrow();
  });

  it('generates RSA 4096 on request, not as the default', async () => {
    const res = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'legacy', type: 'rsa' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ algorithm: 'ssh-rsa', isDefault: false });
    const blob = Buffer.from(res.json().publicKey.split(' ')[1], 'base64');
    // ssh-rsa blob: name, e, n; n is 4096 bits (513 bytes with the sign byte).
    const nameLen = blob.readUInt32BE(0);
    const eLen = blob.readUInt32BE(4 + nameLen);
    const nLen = blob.readUInt32BE(8 + nameLen + eLen);
    expect(nLen).toBe(513);
  });

  it('imports OpenSSH keys with their passphrase, and PEM keys', async () => {
    const pair = await generateKeyPair({ passphrase: 'correct horse', comment: 'laptop' });
    const wrong = await call(memberCookie, 'POST', '/api/v1/ssh-keys', {
      name: 'laptop',
      privateKey: pair.privateKey,
      passphrase: 'wrong',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('wrong_passphrase');
    const none = await call(memberCookie, 'POST', '/api/v1/ssh-keys', {
      name: 'laptop',
      privateKey: pair.privateKey,
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('passphrase_required');
    const ok = await call(memberCookie, 'POST', '/api/v1/ssh-keys', {
      name: 'laptop',
      privateKey: pair.privateKey,
      passphrase: 'correct horse',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      fingerprint: pair.fingerprint,
      algorithm: 'ssh-ed25519',
      isDefault: false,
    });

    const pem = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const imported = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'pem', privateKey: pem });
    expect(imported.statusCode).toBe(201);
    expect(imported.json().algorithm).toBe('ssh-rsa');
  });

  it('refuses text that is not a private key, a public key, and duplicate names', async () => {
    for (const privateKey of ['hello world', (await generateKeyPair()).publicKey]) {
      const res = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'junk', privateKey });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_private_key');
    }
    const dup = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'deploy' });
    expect(dup.statusCode).toBe(409);
    const mixed = await call(memberCookie, 'POST', '/api/v1/ssh-keys', { name: 'x', passphrase: 'p' });
    expect(mixed.statusCode).toBe(400);
  });

  it('lists and shows keys to viewers; viewers cannot add, members cannot delete', async () => {
    const list = await call(viewerCookie, 'GET', '/api/v1/ssh-keys');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((k: { name: string }) => k.name)).toEqual([
      'deploy',
      'laptop',
      'legacy',
      'pem',
    ]);
    expect((await call(viewerCookie, 'GET', `/api/v1/ssh-keys/${firstId}`)).json().name).toBe('deploy');
    expect((await call(viewerCookie, 'POST', '/api/v1/ssh-keys', { name: 'nope' })).statusCode).toBe(403);
    expect((await call(viewerCookie, 'PATCH', `/api/v1/ssh-keys/${firstId}`, { name: 'x' })).statusCode).toBe(
      403,
    );
    expect((await call(memberCookie, 'DELETE', `/api/v1/ssh-keys/${firstId}`)).statusCode).toBe(403);
  });

  it('renames and moves the default: one default per organization', async () => {
    const legacy = (await call(viewerCookie, 'GET', '/api/v1/ssh-keys'))
      .json()
      .items.find((k: { name: string }) => k.name === 'legacy');
    const res = await call(memberCookie, 'PATCH', `/api/v1/ssh-keys/${legacy.id}`, {
      name: 'old-rsa',
      isDefault: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'old-rsa', isDefault: true });
    const defaults = await api.db.prisma.sshKey.count({
      where: { organizationId: owner.organizationId, isDefault: true },
    });
    expect(defaults).toBe(1);
    await call(memberCookie, 'PATCH', `/api/v1/ssh-keys/${firstId}`, { isDefault: true });
    const list = (await call(viewerCookie, 'GET', '/api/v1/ssh-keys')).json().items;
    expect(list.filter((k: { isDefault: boolean }) => k.isDefault).map((k: { id: string }) => k.id)).toEqual([
      firstId,
    ]);
    expect(
      (await call(memberCookie, 'PATCH', `/api/v1/ssh-keys/${firstId}`, { name: 'old-rsa' })).statusCode,
    ).toBe(409);
  });

  it('associates a key, user and port with a machine; deleting a key in use needs force', async () => {
    const machine = await addMachine(owner.organizationId, 'web-1');
    const put = await call(memberCookie, 'PUT', `/api/v1/machines/${machine}/ssh`, {
      keyId: firstId,
      user: 'ubuntu',
      port: 2222,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      machineId: machine,
      keyId: firstId,
      keyName: 'deploy',
      user: 'ubuntu',
      port: 2222,
    });
    expect((await call(viewerCookie, 'GET', `/api/v1/machines/${machine}/ssh`)).json().user).toBe('ubuntu');
    expect(
      (await call(viewerCookie, 'PUT', `/api/v1/machines/${machine}/ssh`, { port: 22 })).statusCode,
    ).toBe(403);
    expect((await call(viewerCookie, 'GET', `/api/v1/ssh-keys/${firstId}`)).json().machineCount).toBe(1);

    const inUse = await call(adminCookie, 'DELETE', `/api/v1/ssh-keys/${firstId}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('ssh_key_in_use');
    expect(inUse.json().error.message).toContain('"web-1"');

    const forced = await call(adminCookie, 'DELETE', `/api/v1/ssh-keys/${firstId}?force=true`);
    expect(forced.statusCode).toBe(204);
    const after = await api.db.prisma.machine.findUniqueOrThrow({ where: { id: machine } });
    expect(after).toMatchObject({ sshKeyId: null, sshUser: 'ubuntu', sshPort: 2222 });
    expect((await call(viewerCookie, 'GET', `/api/v1/ssh-keys/${firstId}`)).statusCode).toBe(404);

    const cleared = await call(memberCookie, 'PUT', `/api/v1/machines/${machine}/ssh`, {
      user: null,
      port: null,
    });
    expect(cleared.json()).toMatchObject({ user: null, port: null });
  });

  it("keeps organizations apart: another organization's keys and machines are 404", async () => {
    const other = await createOrgWithUser(api.db);
    const cookie = await login(api, other);
    const theirKey = (await call(cookie, 'POST', '/api/v1/ssh-keys', { name: 'theirs' })).json();
    expect(theirKey.isDefault).toBe(true);
    const theirMachine = await addMachine(other.organizationId, 'theirs');
    const ours = (await call(viewerCookie, 'GET', '/api/v1/ssh-keys')).json().items;
    expect(ours.map((k: { id: string }) => k.id)).not.toContain(theirKey.id);
    expect((await call(ownerCookie, 'GET', `/api/v1/ssh-keys/${theirKey.id}`)).statusCode).toBe(404);
    expect((await call(ownerCookie, 'DELETE', `/api/v1/ssh-keys/${theirKey.id}`)).statusCode).toBe(404);
    expect(
      (await call(ownerCookie, 'PUT', `/api/v1/machines/${theirMachine}/ssh`, { port: 22 })).statusCode,
    ).toBe(404);
    const ourMachine = await addMachine(owner.organizationId, 'ours');
    const foreignKey = await call(ownerCookie, 'PUT', `/api/v1/machines/${ourMachine}/ssh`, {
      keyId: theirKey.id,
    });
    expect(foreignKey.statusCode).toBe(404);
  });

  it('audits every change and never returns or logs a private key', async () => {
    const actions = (
      await api.db.prisma.auditEvent.findMany({
        where: { organizationId: owner.organizationId, action: { startsWith: 'ssh_key.' } },
        select: { action: true },
      })
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['ssh_key.generate', 'ssh_key.import', 'ssh_key.update', 'ssh_key.delete']),
    );
    const ssh = await api.db.prisma.auditEvent.count({
      where: { organizationId: owner.organizationId, action: 'machine.ssh_settings' },
    });
    expect(ssh).toBeGreaterThan(0);
    const audit = await api.db.pool.query<{ details: string }>(
      'SELECT details::text AS details FROM audit_events WHERE organization_id = $1',
      [owner.organizationId],
    );
    for (const text of [...bodies, ...audit.rows.map((r) => r.details)]) {
      expect(text).not.toMatch(/PRIVATE KEY|correct horse/);
    }
  });
});
