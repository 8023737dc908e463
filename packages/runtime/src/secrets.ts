import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Sealed format: version (1 byte) | IV (12) | GCM tag (16) | ciphertext.
// The version byte leaves room for key rotation without guessing formats.
const VERSION = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

/** Encrypts and decrypts secrets at rest (cloud credentials, private keys, webhook secrets). */
export class SecretBox {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new SecretBoxError('The credentials key must be 32 bytes (base64).');
  }

  seal(plaintext: string | Buffer, associatedData = ''): Buffer {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array, associatedData = ''): Buffer {
    const buf = Buffer.from(sealed);
    if (buf.length < 1 + IV_LENGTH + TAG_LENGTH || buf[0] !== VERSION) {
      throw new SecretBoxError('Stored secret has an unknown format.');
    }
    const iv = buf.subarray(1, 1 + IV_LENGTH);
    const tag = buf.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(buf.subarray(1 + IV_LENGTH + TAG_LENGTH)), decipher.final()]);
    } catch {
      throw new SecretBoxError(
        'A stored secret could not be decrypted: secrets.credentialsKey in settings.json is not the key it was sealed with.',
      );
    }
  }

  /** Binding the row id as associated data stops a sealed value being copied onto another row. */
  sealJson(value: unknown, associatedData = ''): Buffer {
    return this.seal(JSON.stringify(value), associatedData);
  }

  openJson<T>(sealed: Uint8Array, associatedData = ''): T {
    return JSON.parse(this.open(sealed, associatedData).toString('utf8')) as T;
  }
}
