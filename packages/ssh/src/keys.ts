import { createPrivateKey, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';
import { SshError } from './errors';
import { fingerprintOf, keyAlgorithmOf, publicKeyBlob } from './fingerprint';
import { ed25519OpenSshPrivateKey } from './openssh-key';

export type KeyType = 'ed25519' | 'rsa';

export interface GenerateKeyPairOptions {
  /** Default ed25519. */
  type?: KeyType;
  /** RSA modulus size; default 4096. Ignored for ed25519. */
  bits?: number;
  comment?: string;
  /** Encrypts the private key (aes256-ctr, bcrypt KDF) like `ssh-keygen -N`. */
  passphrase?: string;
}

export interface KeyPair {
  /** "ssh-ed25519" or "ssh-rsa". */
  algorithm: string;
  /** OpenSSH format ("-----BEGIN OPENSSH PRIVATE KEY-----"). */
  privateKey: string;
  /** One `authorized_keys` line. */
  publicKey: string;
  fingerprint: string;
}

export interface PrivateKeyInfo {
  algorithm: string;
  /** One `authorized_keys` line (with the key's comment when it has one). */
  publicKey: string;
  fingerprint: string;
  encrypted: boolean;
  comment: string;
}

/** A private key in a form ssh2 accepts, plus what we learned reading it. */
export interface LoadedPrivateKey {
  key: string | Buffer;
  passphrase: string | undefined;
  info: PrivateKeyInfo;
}

// ssh2 is CommonJS: Node's ESM loader only sees its default export.
const { utils } = ssh2;

type ParsedKey = Exclude<ReturnType<typeof utils.parseKey>, Error>;

/**
 * How many times a generated pair that does not read back is made again. ssh2's generator drops
 * a leading zero byte of an ed25519 public key (about one key in 256), writing a key that neither
 * ssh2 nor OpenSSH can load; each pair is read back before it is handed out.
 */
const GENERATE_ATTEMPTS = 8;

/** Generates a key pair in OpenSSH format: ed25519 by default, or RSA (4096 bits by default). */
export async function generateKeyPair(options: GenerateKeyPairOptions = {}): Promise<KeyPair> {
  for (let attempt = 1; ; attempt++) {
    const pair = await generateOnce(options);
    if (!(utils.parseKey(pair.privateKey, options.passphrase) instanceof Error)) return pair;
    if (attempt >= GENERATE_ATTEMPTS)
      throw new SshError('key', 'Could not generate a key pair that reads back; try again.');
  }
}

function generateOnce(options: GenerateKeyPairOptions): Promise<KeyPair> {
  const type = options.type ?? 'ed25519';
  const comment = options.comment ?? '';
  const encryption = options.passphrase
    ? { passphrase: options.passphrase, cipher: 'aes256-ctr', rounds: 16 }
    : {};
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, pair: { private: string; public: string }) => {
      if (err)
        return reject(new SshError('key', `Could not generate the key pair: ${err.message}`, { cause: err }));
      resolve({
        algorithm: keyAlgorithmOf(pair.public),
        privateKey: pair.private,
        publicKey: pair.public.trim(),
        fingerprint: fingerprintOf(pair.public),
      });
    };
    if (type === 'rsa')
      utils.generateKeyPair('rsa', { bits: options.bits ?? 4096, comment, ...encryption }, done);
    else if (type === 'ed25519') utils.generateKeyPair('ed25519', { comment, ...encryption }, done);
    else reject(new SshError('invalid', `Unsupported key type '${String(type)}'; use ed25519 or rsa.`));
  });
}

const isPkcs8 = (text: string) => /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text);
const looksEncrypted = (text: string) =>
  /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text) ||
  openSshCipher(text) !== 'none';

/** The cipher named in an "openssh-key-v1" container, or 'none' for anything else. */
function openSshCipher(text: string): string {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (!m?.[1]) return 'none';
  const body = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0'.length;
  if (body.length < magic + 4) return 'none';
  const len = body.readUInt32BE(magic);
  return body.subarray(magic + 4, magic + 4 + len).toString('latin1');
}

const wrongPassphrase = () =>
  new SshError('key', 'The passphrase does not unlock this private key. Check the passphrase and try again.');
const missingPassphrase = () =>
  new SshError('key', 'This private key is encrypted. Enter its passphrase so it can be used.');

/**
 * ssh2 reads OpenSSH and PEM (PKCS#1, SEC1) keys itself. PKCS#8 ("BEGIN PRIVATE KEY", possibly
 * encrypted) is decrypted with node:crypto and rewritten to a form ssh2 reads, in memory only.
 */
function fromPkcs8(text: string, passphrase: string | undefined): string {
  const encrypted = text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  if (encrypted && passphrase === undefined) throw missingPassphrase();
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem', passphrase });
  } catch (err) {
    if (encrypted) throw wrongPassphrase();
    throw new SshError('key', `The private key could not be read: ${(err as Error).message}`, { cause: err });
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }).toString();
    case 'ed25519': {
      const jwk = key.export({ format: 'jwk' });
      return ed25519OpenSshPrivateKey(
        Buffer.from(jwk.d ?? '', 'base64url'),
        Buffer.from(jwk.x ?? '', 'base64url'),
      );
    }
    default:
      throw new SshError(
        'key',
        `${key.asymmetricKeyType ?? 'This'} keys are not supported for SSH; use ed25519, RSA or ECDSA.`,
      );
  }
}

function parseWithSsh2(data: string | Buffer, passphrase: string | undefined, encrypted: boolean): ParsedKey {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const message = parsed.message;
    if (/no passphrase given/i.test(message)) throw missingPassphrase();
    if (encrypted && passphrase !== undefined) throw wrongPassphrase();
    if (/passphrase/i.test(message)) throw wrongPassphrase();
    throw new SshError(
      'key',
      `The private key could not be read (${message}). Paste the whole key, including the BEGIN and END lines.`,
      { cause: parsed },
    );
  }
  const key = (Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey | undefined;
  if (!key) throw new SshError('key', 'No key was found in the supplied text.');
  return key;
}

const publicLine = (blob: Buffer, comment: string) =>
  `${keyAlgorithmOf(blob)} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;

/**
 * Reads a private key (OpenSSH, PKCS#1/SEC1 PEM or PKCS#8; encrypted or not) for use with
 * connectSsh. Throws SshError('key') with a clear reason: missing or wrong passphrase, not a key,
 * a public key where a private one was expected.
 */
export function loadPrivateKey(data: string | Buffer, passphrase?: string): LoadedPrivateKey {
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : data;
  const pass = passphrase === '' ? undefined : passphrase;
  const encrypted = looksEncrypted(text);
  const usable = isPkcs8(text) ? fromPkcs8(text, pass) : text;
  const sshPass = isPkcs8(text) ? undefined : pass;
  const parsed = parseWithSsh2(usable, encrypted ? sshPass : undefined, encrypted);
  if (!parsed.isPrivateKey()) {
    throw new SshError('key', 'This is a public key. Paste the private key (the file without .pub).');
  }
  const blob = parsed.getPublicSSH();
  const comment = parsed.comment ?? '';
  return {
    key: usable,
    passphrase: encrypted ? sshPass : undefined,
    info: {
      algorithm: keyAlgorithmOf(blob),
      publicKey: publicLine(blob, comment),
      fingerprint: fingerprintOf(blob),
      encrypted,
      comment,
    },
  };
}

/** Facts about a private key: algorithm, public key line and fingerprint. */
export function parsePrivateKey(data: string | Buffer, passphrase?: string): PrivateKeyInfo {
  return loadPrivateKey(data, passphrase).info;
}

/**
 * The `authorized_keys` line for a key: from a private key (decrypted with `passphrase` when needed)
 * or from a public key line / blob. `comment` replaces the key's own comment.
 */
export function authorizedKeyLine(
  key: string | Buffer,
  options: { passphrase?: string; comment?: string } = {},
): string {
  const text = Buffer.isBuffer(key) ? key.toString('utf8') : key;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    const info = parsePrivateKey(text, options.passphrase);
    return publicLine(publicKeyBlob(info.publicKey), options.comment ?? info.comment);
  }
  const blob = publicKeyBlob(key);
  const existing = Buffer.isBuffer(key) ? '' : key.trim().split(/\s+/).slice(2).join(' ');
  return publicLine(blob, options.comment ?? existing);
}
