import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdHandle, startSshd } from '../../../test/support/sshd';
import { connectSsh, type SshConnectOptions } from './connection';
import { SshError } from './errors';
import { generateKeyPair, type KeyPair } from './keys';

let sshd: SshdHandle;
let key: KeyPair;
let stranger: KeyPair;

beforeAll(async () => {
  [key, stranger] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
});
afterAll(() => sshd?.stop());

const base = (): SshConnectOptions => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.user,
  privateKey: key.privateKey,
  connectTimeoutMs: 5_000,
});

async function failure(options: SshConnectOptions): Promise<SshError> {
  try {
    const conn = await connectSsh(options);
    await conn.close();
  } catch (err) {
    if (err instanceof SshError) return err;
    throw err;
  }
  throw new Error('expected the connection to fail');
}

/** A TCP server that accepts and then does `behave` with each socket. */
async function tcpServer(behave: (socket: import('node:net').Socket) => void): Promise<[Server, number]> {
  const server = createServer(behave);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return [server, typeof address === 'object' && address ? address.port : 0];
}

describe('connectSsh', () => {
  it('logs in with a key and reports the host key it saw (first use)', async () => {
    const conn = await connectSsh(base());
    // The key itself, as another SSH client's known_hosts would hold it, and where it was seen.
    const publicKey = readFileSync(join(sshd.dir, 'ssh_host_ed25519_key.pub'), 'utf8')
      .split(' ')
      .slice(0, 2)
      .join(' ');
    expect(conn.hostKey).toEqual({
      algorithm: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
      publicKey,
      address: sshd.host,
      firstUse: true,
    });
    const result = await conn.exec('echo "$USER"');
    expect(result.stdout.trim()).toBe(sshd.user);
    await conn.close();
    expect(conn.closed).toBe(true);
  });

  it('accepts the expected fingerprint in any usual spelling', async () => {
    const padded = `${sshd.hostKeyFingerprint.replace('SHA256:', 'sha256:')}=`;
    const conn = await connectSsh({ ...base(), hostKeyFingerprint: padded });
    expect(conn.hostKey.firstUse).toBe(false);
    await conn.close();
  });

  it('refuses a host whose key changed, naming both fingerprints', async () => {
    const own = await startSshd({ authorizedKeys: [key.publicKey] });
    try {
      const before = own.hostKeyFingerprint;
      const after = await own.restartWithNewHostKey();
      expect(after).not.toBe(before);
      const err = await failure({ ...base(), port: own.port, hostKeyFingerprint: before });
      expect(err.kind).toBe('host-key-mismatch');
      expect(err.expectedFingerprint).toBe(before);
      expect(err.actualFingerprint).toBe(after);
      expect(err.message).toContain(before);
      expect(err.message).toContain(after);
    } finally {
      await own.stop();
    }
  });

  it('says the key was refused, for which user', async () => {
    const err = await failure({ ...base(), privateKey: stranger.privateKey });
    expect(err.kind).toBe('auth');
    expect(err.message).toBe(
      `The server refused the key for user '${sshd.user}'. Check that its public key is in ~/.ssh/authorized_keys on the host.`,
    );
  });

  it('says the password was refused', async () => {
    const err = await failure({ ...base(), privateKey: undefined, password: 'hunter2' });
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/refused the password for user/);
  });

  it('reports an unusable key before connecting', async () => {
    const locked = await generateKeyPair({ passphrase: 'right-one' });
    expect((await failure({ ...base(), privateKey: locked.privateKey })).kind).toBe('key');
    const wrong = await failure({ ...base(), privateKey: locked.privateKey, passphrase: 'wrong-one' });
    expect(wrong.kind).toBe('key');
    expect(wrong.message).toMatch(/passphrase does not unlock/);
  });

  it('reports a closed port as unreachable', async () => {
    const [server, port] = await tcpServer(() => {});
    await new Promise((r) => server.close(r));
    const err = await failure({ ...base(), port });
    expect(err.kind).toBe('unreachable');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/connection refused/);
  });

  it('reports a name that does not resolve as dns', async () => {
    const err = await failure({ ...base(), host: 'no-such-host.invalid' });
    expect(err.kind).toBe('dns');
    expect(err.message).toContain('no-such-host.invalid');
  });

  it('times out on a server that never speaks', async () => {
    const sockets: import('node:net').Socket[] = [];
    const [server, port] = await tcpServer((s) => sockets.push(s));
    try {
      const started = Date.now();
      const err = await failure({ ...base(), port, connectTimeoutMs: 400 });
      expect(err.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a server that is not SSH as a protocol problem', async () => {
    const sockets: import('node:net').Socket[] = [];
    const [server, port] = await tcpServer((s) => {
      sockets.push(s);
      s.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      setTimeout(() => s.write('SSH-1.0-ancient\r\n'), 50);
    });
    try {
      const err = await failure({ ...base(), port });
      expect(err.kind).toBe('protocol');
      expect(err.message).toMatch(/SSH/);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('refuses nonsense before dialing', async () => {
    expect((await failure({ ...base(), hostKeyFingerprint: 'nope' })).kind).toBe('invalid');
    expect((await failure({ ...base(), privateKey: undefined })).kind).toBe('invalid');
    expect((await failure({ ...base(), port: 70_000 })).kind).toBe('invalid');
  });

  it('stops when aborted', async () => {
    const [server, port] = await tcpServer(() => {});
    try {
      const controller = new AbortController();
      const pending = connectSsh({ ...base(), port, signal: controller.signal });
      controller.abort(new Error('user gave up'));
      await expect(pending).rejects.toThrow('user gave up');
    } finally {
      server.close();
    }
  });
});
