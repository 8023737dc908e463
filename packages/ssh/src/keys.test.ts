import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SshError } from './errors';
import { fingerprintOf } from './fingerprint';
import { authorizedKeyLine, generateKeyPair, loadPrivateKey, parsePrivateKey } from './keys';

const dir = mkdtempSync(join(tmpdir(), 'overcast-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function save(text: string): string {
  const file = join(dir, `k${n++}`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** The public key OpenSSH itself derives from a private key file. */
const sshKeygenPublic = (file: string, passphrase = '') =>
  execFileSync('ssh-keygen', ['-y', '-P', passphrase, '-f', file], { encoding: 'utf8' }).trim();

const keyPart = (line: string) => line.split(' ').slice(0, 2).join(' ');

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SshError ? err.kind : `not an SshError: ${String(err)}`;
  }
  return undefined;
}

describe('generateKeyPair', () => {
  it('makes ed25519 keys OpenSSH reads', async () => {
    const pair = await generateKeyPair({ comment: 'deploy@overcast' });
    expect(pair.algorithm).toBe('ssh-ed25519');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAA\S+ deploy@overcast$/);
    expect(keyPart(sshKeygenPublic(save(pair.privateKey)))).toBe(keyPart(pair.publicKey));
    expect(pair.fingerprint).toBe(fingerprintOf(pair.publicKey));
  });

  it('every ed25519 key it makes loads again (the underlying generator breaks about one in 256)', async () => {
    const unreadable: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const pair = await generateKeyPair({ comment: `k${i}` });
      try {
        expect(loadPrivateKey(pair.privateKey).info.fingerprint).toBe(pair.fingerprint);
      } catch (err) {
        unreadable.push(`${pair.publicKey}: ${(err as Error).message}`);
      }
    }
    expect(unreadable).toEqual([]);
  }, 60_000);

  it('makes RSA 4096 keys, encrypted when asked', async () => {
    const pair = await generateKeyPair({ type: 'rsa', passphrase: 'correct horse' });
    expect(pair.algorithm).toBe('ssh-rsa');
    const file = save(pair.privateKey);
    expect(keyPart(sshKeygenPublic(file, 'correct horse'))).toBe(keyPart(pair.publicKey));
    const bits = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[0];
    expect(bits).toBe('4096');
    expect(parsePrivateKey(pair.privateKey, 'correct horse')).toMatchObject({
      algorithm: 'ssh-rsa',
      encrypted: true,
      fingerprint: pair.fingerprint,
    });
  });
});

describe('parsePrivateKey', () => {
  const keygen = (args: string[]) => {
    const file = join(dir, `g${n++}`);
    execFileSync('ssh-keygen', ['-q', ...args, '-C', 'from-keygen', '-f', file]);
    return { file, text: readFileSync(file, 'utf8'), pub: readFileSync(`${file}.pub`, 'utf8').trim() };
  };

  it.each([
    ['OpenSSH ed25519', ['-t', 'ed25519', '-N', '']],
    ['OpenSSH ed25519 encrypted', ['-t', 'ed25519', '-N', 'sekrit-pass']],
    ['PEM RSA', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '']],
    ['PEM RSA encrypted', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'sekrit-pass']],
    ['PKCS#8 RSA', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', '']],
    ['PKCS#8 RSA encrypted', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', 'sekrit-pass']],
    ['PEM ECDSA', ['-t', 'ecdsa', '-m', 'PEM', '-N', '']],
  ])('reads %s', (_name, args) => {
    const encrypted = args.includes('sekrit-pass');
    const key = keygen(args);
    const info = parsePrivateKey(key.text, encrypted ? 'sekrit-pass' : undefined);
    expect(keyPart(info.publicKey)).toBe(keyPart(key.pub));
    expect(info.fingerprint).toBe(fingerprintOf(key.pub));
    expect(info.encrypted).toBe(encrypted);
    if (encrypted) {
      expect(kindOf(() => parsePrivateKey(key.text))).toBe('key');
      expect(() => parsePrivateKey(key.text)).toThrow(/encrypted.*passphrase/);
      expect(() => parsePrivateKey(key.text, 'wrong-pass')).toThrow(/passphrase does not unlock/);
    }
  });

  it('reads a PKCS#8 ed25519 key (openssl) and hands ssh2 a usable key', () => {
    const file = join(dir, 'openssl-ed25519');
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', file]);
    const loaded = loadPrivateKey(readFileSync(file, 'utf8'));
    expect(loaded.info.algorithm).toBe('ssh-ed25519');
    // OpenSSH agrees on the public half of the rewritten key.
    expect(keyPart(sshKeygenPublic(save(String(loaded.key))))).toBe(keyPart(loaded.info.publicKey));
  });

  it('says when it was given a public key or garbage', async () => {
    const pair = await generateKeyPair();
    expect(() => parsePrivateKey(pair.publicKey)).toThrow(/public key/);
    expect(kindOf(() => parsePrivateKey('not a key'))).toBe('key');
  });

  it('builds authorized_keys lines', async () => {
    const pair = await generateKeyPair({ passphrase: 'pw-pw-pw', comment: 'orig' });
    expect(authorizedKeyLine(pair.privateKey, { passphrase: 'pw-pw-pw' })).toBe(pair.publicKey);
    expect(authorizedKeyLine(pair.publicKey, { comment: 'ops' })).toBe(`${keyPart(pair.publicKey)} ops`);
  });
});
