import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SshError } from './errors';
import { fingerprintOf, keyAlgorithmOf, normalizeFingerprint, publicKeyBlob } from './fingerprint';

const dir = mkdtempSync(join(tmpdir(), 'overcast-fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keygen(type: string, bits?: number): { pub: string; fingerprint: string } {
  const file = join(dir, `${type}-${bits ?? 'default'}`);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(bits ? ['-b', String(bits)] : []),
    '-N',
    '',
    '-C',
    'c',
    '-f',
    file,
  ]);
  const line = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' });
  return { pub: readFileSync(`${file}.pub`, 'utf8'), fingerprint: line.split(' ')[1] as string };
}

describe('fingerprintOf', () => {
  it.each([
    ['ed25519', undefined, 'ssh-ed25519'],
    ['rsa', 2048, 'ssh-rsa'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521'],
  ])('matches ssh-keygen -lf for %s %s', (type, bits, algorithm) => {
    const { pub, fingerprint } = keygen(type, bits);
    expect(fingerprintOf(pub)).toBe(fingerprint);
    expect(fingerprintOf(publicKeyBlob(pub))).toBe(fingerprint);
    expect(keyAlgorithmOf(pub)).toBe(algorithm);
  });

  it('rejects text that is not a public key', () => {
    expect(() => fingerprintOf('hello world')).toThrow(SshError);
  });
});

describe('normalizeFingerprint', () => {
  const fp = 'SHA256:zuPPa41MVVuwiIBJFkqNGGU8JHvHJRIZoqgBi8vYypE';
  it('accepts the usual spellings', () => {
    expect(normalizeFingerprint(fp)).toBe(fp);
    expect(normalizeFingerprint(` sha256:${fp.slice(7)}= `)).toBe(fp);
    expect(normalizeFingerprint(fp.slice(7))).toBe(fp);
  });
  it('refuses anything else', () => {
    expect(() => normalizeFingerprint('MD5:aa:bb')).toThrow(/not a SHA256/);
    expect(() => normalizeFingerprint('SHA256:short')).toThrow(SshError);
  });
});
