import { createHash } from 'node:crypto';
import { Ec2Error } from './errors';
import type { SimKeyPair } from './model';
import type { Ec2State, RegionState } from './state';

const KEY_TYPES = { 'ssh-rsa': 'rsa', 'ssh-ed25519': 'ed25519' } as const;

const invalidFormat = () =>
  new Ec2Error('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');

/** Reads `type base64 [comment]`; the blob must name the same type inside (SSH wire format). */
function parseOpenSshKey(text: string): { keyType: 'rsa' | 'ed25519'; blob: Buffer; normalized: string } {
  const [type, data] = text.trim().split(/\s+/);
  // Own keys only: a key type named like an Object.prototype member must not match.
  const keyType =
    type && Object.hasOwn(KEY_TYPES, type) ? KEY_TYPES[type as keyof typeof KEY_TYPES] : undefined;
  if (!keyType || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw invalidFormat();
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 4) throw invalidFormat();
  const nameLength = blob.readUInt32BE(0);
  if (nameLength + 4 > blob.length || blob.subarray(4, 4 + nameLength).toString('latin1') !== type) {
    throw invalidFormat();
  }
  return { keyType, blob, normalized: `${type} ${data}` };
}

/** EC2's fingerprints for imported keys: MD5 (RFC 4716) for RSA, SHA-256 base64 for ED25519. */
function fingerprint(keyType: 'rsa' | 'ed25519', blob: Buffer): string {
  if (keyType === 'ed25519') return createHash('sha256').update(blob).digest('base64');
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

export function importKeyPair(
  state: Ec2State,
  region: RegionState,
  name: string,
  materialBase64: string,
  tags: Map<string, string> = new Map(),
): SimKeyPair {
  if (name.length > 255) {
    throw new Ec2Error('InvalidParameterValue', 'Key pair name must be at most 255 characters');
  }
  if (region.keyPairs.has(name)) {
    throw new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
  }
  const material = Buffer.from(materialBase64, 'base64').toString('utf8');
  const key = parseOpenSshKey(material);
  const pair: SimKeyPair = {
    id: state.newKeyPairId(),
    name,
    keyType: key.keyType,
    fingerprint: fingerprint(key.keyType, key.blob),
    publicKey: key.normalized,
    createTime: state.now(),
    tags: new Map(tags),
  };
  region.keyPairs.set(name, pair);
  return pair;
}

/** Deleting a missing key pair succeeds, as it does on EC2. */
export function deleteKeyPair(
  region: RegionState,
  by: { name?: string; id?: string },
): SimKeyPair | undefined {
  const pair = by.name !== undefined ? region.keyPairs.get(by.name) : findById(region, by.id);
  if (pair) region.keyPairs.delete(pair.name);
  return pair;
}

export function findById(region: RegionState, id: string | undefined): SimKeyPair | undefined {
  if (id === undefined) return undefined;
  for (const pair of region.keyPairs.values()) if (pair.id === id) return pair;
  return undefined;
}
