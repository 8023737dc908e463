import { createHash } from 'node:crypto';
import { DescribeKeyPairsCommand, ImportKeyPairCommand, type KeyPairInfo } from '@aws-sdk/client-ec2';
import { ProviderError } from '@overcast/contracts';
import type { Ec2Api } from './api';

interface ParsedKey {
  /** `type base64`, without the comment. */
  material: string;
  /** What EC2 shows for an imported key: MD5 (RFC 4716) for RSA, SHA-256 base64 otherwise. */
  fingerprint: string;
}

function parseKey(publicKey: string): ParsedKey {
  const [type, data] = publicKey.trim().split(/\s+/);
  if (!type || !data) throw new ProviderError('invalid', 'The SSH public key is not in OpenSSH format');
  const blob = Buffer.from(data, 'base64');
  const fingerprint =
    type === 'ssh-rsa'
      ? createHash('md5')
          .update(blob)
          .digest('hex')
          .replace(/(..)(?!$)/g, '$1:')
      : createHash('sha256').update(blob).digest('base64');
  return { material: `${type} ${data}`, fingerprint };
}

const sameFingerprint = (a: string, b: string) =>
  a.trim().replace(/=+$/, '').toLowerCase() === b.trim().replace(/=+$/, '').toLowerCase();

/** Whether the stored pair holds this key; without key material or fingerprint, trust the name. */
function holds(pair: KeyPairInfo, key: ParsedKey): boolean {
  if (pair.PublicKey) return parseKey(pair.PublicKey).material === key.material;
  if (pair.KeyFingerprint) return sameFingerprint(pair.KeyFingerprint, key.fingerprint);
  return true;
}

async function describe(api: Ec2Api, region: string, name: string): Promise<KeyPairInfo | undefined> {
  try {
    const out = await api.call(region, (c, o) =>
      c.send(new DescribeKeyPairsCommand({ KeyNames: [name], IncludePublicKey: true }), o),
    );
    return out.KeyPairs?.find((k) => k.KeyName === name);
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'not-found') return undefined;
    throw err;
  }
}

/**
 * The EC2 way to install an SSH key: a key pair in the instance's region. Reuses a pair of
 * that name holding the same key, imports it when missing, and falls back to a name with a
 * short key hash when the name is taken by a different key. Returns the key name to use.
 */
export async function ensureKeyPair(
  api: Ec2Api,
  region: string,
  sshKey: { name: string; publicKey: string },
): Promise<string> {
  const key = parseKey(sshKey.publicKey);
  const suffix = createHash('sha256').update(key.material).digest('hex').slice(0, 8);
  const candidates = [sshKey.name, `${sshKey.name}-${suffix}`];
  for (const name of candidates) {
    const existing = await describe(api, region, name);
    if (existing) {
      if (holds(existing, key)) return name;
      continue;
    }
    try {
      await api.call(region, (c, o) =>
        c.send(new ImportKeyPairCommand({ KeyName: name, PublicKeyMaterial: Buffer.from(key.material) }), o),
      );
      return name;
    } catch (err) {
      // Someone imported the same name in between: look again rather than fail.
      if (err instanceof ProviderError && err.options.code === 'InvalidKeyPair.Duplicate') {
        const raced = await describe(api, region, name);
        if (raced && holds(raced, key)) return name;
        continue;
      }
      throw err;
    }
  }
  throw new ProviderError(
    'conflict',
    `Key pair names ${candidates.map((c) => `'${c}'`).join(' and ')} already hold other keys in ${region}`,
  );
}
