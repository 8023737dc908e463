import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError } from './secrets';

const key = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips JSON and never stores the plaintext', () => {
    const box = new SecretBox(key());
    const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' };
    const sealed = box.sealJson(creds, 'cloud-1');
    expect(sealed.toString('latin1')).not.toContain('wJalrXUtnFEMI');
    expect(box.openJson(sealed, 'cloud-1')).toEqual(creds);
    // Same input, different ciphertext (fresh IV each time).
    expect(box.sealJson(creds, 'cloud-1').equals(sealed)).toBe(false);
  });

  it('refuses another key, another row and tampered bytes', () => {
    const box = new SecretBox(key());
    const sealed = box.sealJson({ token: 'x' }, 'cloud-1');
    expect(() => new SecretBox(key()).openJson(sealed, 'cloud-1')).toThrow(SecretBoxError);
    expect(() => box.openJson(sealed, 'cloud-2')).toThrow(/not the key it was sealed with/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.openJson(tampered, 'cloud-1')).toThrow(SecretBoxError);
    expect(() => box.open(Buffer.from([9, 9, 9]))).toThrow(/unknown format/);
  });

  it('insists on a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
