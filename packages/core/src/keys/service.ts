import { randomUUID } from 'node:crypto';
import type {
  CreateSshKeyRequest,
  MachineSsh,
  MachineSshRequest,
  SshKey as SshKeyView,
  UpdateSshKeyRequest,
} from '@overcast/contracts';
import { type Database, isUniqueViolation, type Prisma, type SshKey } from '@overcast/db';
import { generateKeyPair, loadPrivateKey, SshError } from '@overcast/ssh';
import { type OrgActor, recordAudit } from '../audit';
import { allowedIds, type Principal } from '../authz';
import { DomainError } from '../errors';
import { repos } from '../repositories';
import type { SecretsRuntime } from '../runtime';
import { type StoredPrivateKey, sealPrivateKey } from './private-key';

const nameTaken = (name: string) =>
  new DomainError(
    'conflict',
    'ssh_key_name_taken',
    `A key named "${name}" already exists; choose another name.`,
  );

/** Keys with the number of machines using each, in one query for the lot. */
export async function sshKeyViews(
  db: Database,
  organizationId: string,
  keys: SshKey[],
): Promise<SshKeyView[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.pool.query<{ ssh_key_id: string; n: number }>(
    `SELECT ssh_key_id, count(*)::int AS n FROM machines
     WHERE organization_id = $1 AND ssh_key_id = ANY($2::uuid[]) GROUP BY ssh_key_id`,
    [organizationId, keys.map((k) => k.id)],
  );
  const counts = new Map(rows.map((r) => [r.ssh_key_id, r.n]));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    publicKey: k.publicKey,
    fingerprint: k.fingerprint,
    algorithm: k.algorithm,
    isDefault: k.isDefault,
    machineCount: counts.get(k.id) ?? 0,
    createdAt: k.createdAt.toISOString(),
  }));
}

export async function sshKeyView(db: Database, key: SshKey): Promise<SshKeyView> {
  const [view] = await sshKeyViews(db, key.organizationId, [key]);
  return view!;
}

export async function listSshKeys(
  db: Database,
  organizationId: string,
  caller?: Principal,
): Promise<SshKeyView[]> {
  const ids = caller ? await allowedIds(db, organizationId, caller, 'keys') : null;
  const keys = await db.prisma.sshKey.findMany({
    where: { organizationId, ...(ids ? { id: { in: ids } } : {}) },
    orderBy: [{ isDefault: 'desc' }, { name: 'asc' }],
  });
  return sshKeyViews(db, organizationId, keys);
}

/** An SshError about a key as a 400 the person can act on. */
function keyProblem(err: unknown): DomainError {
  if (err instanceof SshError) {
    const code = /passphrase/i.test(err.message)
      ? /does not unlock/i.test(err.message)
        ? 'wrong_passphrase'
        : 'passphrase_required'
      : 'invalid_private_key';
    return new DomainError('invalid', code, err.message);
  }
  return new DomainError(
    'invalid',
    'invalid_private_key',
    `The private key could not be read: ${(err as Error)?.message ?? err}`,
  );
}

interface KeyMaterial {
  stored: StoredPrivateKey;
  publicKey: string;
  fingerprint: string;
  algorithm: string;
  imported: boolean;
}

async function keyMaterial(input: CreateSshKeyRequest): Promise<KeyMaterial> {
  if (input.privateKey !== undefined) {
    if (input.type !== undefined) {
      throw new DomainError(
        'invalid',
        'validation_failed',
        '"type" is for generating a key; leave it out when importing one.',
      );
    }
    let loaded: ReturnType<typeof loadPrivateKey>;
    try {
      loaded = loadPrivateKey(input.privateKey, input.passphrase);
    } catch (err) {
      throw keyProblem(err);
    }
    const text = input.privateKey.replace(/\r\n/g, '\n').trim();
    return {
      stored: loaded.passphrase
        ? { privateKey: `${text}\n`, passphrase: loaded.passphrase }
        : { privateKey: `${text}\n` },
      publicKey: loaded.info.publicKey,
      fingerprint: loaded.info.fingerprint,
      algorithm: loaded.info.algorithm,
      imported: true,
    };
  }
  if (input.passphrase !== undefined) {
    throw new DomainError(
      'invalid',
      'validation_failed',
      '"passphrase" unlocks an imported key; give "privateKey" with it, or leave both out to generate a key.',
    );
  }
  const pair = await generateKeyPair({
    type: input.type ?? 'ed25519',
    bits: 4096,
    comment: `overcast:${input.name}`.replace(/\s+/g, '-'),
  });
  return {
    stored: { privateKey: pair.privateKey },
    publicKey: pair.publicKey,
    fingerprint: pair.fingerprint,
    algorithm: pair.algorithm,
    imported: false,
  };
}

/** Serialises default-key changes within one organization. */
async function lockOrganization(tx: Prisma.TransactionClient, organizationId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
}

/** Generates or imports a key. The organization's first key becomes its default. */
export async function createSshKey(
  runtime: SecretsRuntime,
  actor: OrgActor,
  input: CreateSshKeyRequest,
): Promise<SshKey> {
  const material = await keyMaterial(input);
  const id = randomUUID();
  try {
    const key = await runtime.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, actor.organizationId);
      if (await tx.sshKey.findFirst({ where: { organizationId: actor.organizationId, name: input.name } }))
        throw nameTaken(input.name);
      const hasDefault = await tx.sshKey.findFirst({
        where: { organizationId: actor.organizationId, isDefault: true },
        select: { id: true },
      });
      const isDefault = input.isDefault ?? !hasDefault;
      if (isDefault && hasDefault) {
        await tx.sshKey.updateMany({
          where: { organizationId: actor.organizationId, isDefault: true },
          data: { isDefault: false },
        });
      }
      return tx.sshKey.create({
        data: {
          id,
          organizationId: actor.organizationId,
          name: input.name,
          publicKey: material.publicKey,
          privateKey: sealPrivateKey(runtime.box, id, material.stored),
          fingerprint: material.fingerprint,
          algorithm: material.algorithm,
          isDefault,
          createdById: actor.userId ?? null,
        },
      });
    });
    await recordAudit(runtime.db, actor, {
      action: material.imported ? 'ssh_key.import' : 'ssh_key.generate',
      resourceKind: 'ssh_key',
      resourceId: id,
      details: {
        name: key.name,
        algorithm: key.algorithm,
        fingerprint: key.fingerprint,
        isDefault: key.isDefault,
      },
    });
    return key;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

/** Renames a key and/or makes it (or stops it being) the organization's default. */
export async function updateSshKey(
  runtime: SecretsRuntime,
  actor: OrgActor,
  id: string,
  input: UpdateSshKeyRequest,
): Promise<SshKey> {
  const before = await repos(runtime.db).sshKeys.getInOrg(actor.organizationId, id);
  const changes: Record<string, unknown> = {};
  try {
    const key = await runtime.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, actor.organizationId);
      const data: Prisma.SshKeyUpdateInput = {};
      if (input.name !== undefined && input.name !== before.name) {
        data.name = input.name;
        changes.name = { from: before.name, to: input.name };
      }
      if (input.isDefault !== undefined && input.isDefault !== before.isDefault) {
        if (input.isDefault) {
          await tx.sshKey.updateMany({
            where: { organizationId: actor.organizationId, isDefault: true },
            data: { isDefault: false },
          });
        }
        data.isDefault = input.isDefault;
        changes.isDefault = input.isDefault;
      }
      if (Object.keys(data).length === 0) return before;
      return tx.sshKey.update({ where: { id }, data });
    });
    if (Object.keys(changes).length > 0) {
      await recordAudit(runtime.db, actor, {
        action: 'ssh_key.update',
        resourceKind: 'ssh_key',
        resourceId: id,
        details: { name: key.name, ...changes },
      });
    }
    return key;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
    throw err;
  }
}

/**
 * Deletes a key. A key machines log in with is refused (409, naming them) unless `force`, which
 * detaches it from them first.
 */
export async function deleteSshKey(
  runtime: SecretsRuntime,
  actor: OrgActor,
  id: string,
  force = false,
): Promise<void> {
  const key = await repos(runtime.db).sshKeys.getInOrg(actor.organizationId, id);
  const users = await runtime.db.prisma.machine.findMany({
    where: { organizationId: actor.organizationId, sshKeyId: id },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
  if (users.length > 0 && !force) {
    const names = users.slice(0, 10).map((m) => `"${m.name}"`);
    const more = users.length > 10 ? ` and ${users.length - 10} more` : '';
    throw new DomainError(
      'conflict',
      'ssh_key_in_use',
      `The key "${key.name}" is used by ${users.length} machine${users.length === 1 ? '' : 's'}: ${names.join(', ')}${more}. ` +
        'Associate another key with them, or delete with force=true to detach it.',
    );
  }
  await runtime.db.prisma.$transaction(async (tx) => {
    await tx.machine.updateMany({
      where: { organizationId: actor.organizationId, sshKeyId: id },
      data: { sshKeyId: null },
    });
    await tx.sshKey.delete({ where: { id } });
  });
  await recordAudit(runtime.db, actor, {
    action: 'ssh_key.delete',
    resourceKind: 'ssh_key',
    resourceId: id,
    details: {
      name: key.name,
      fingerprint: key.fingerprint,
      detachedMachines: users.map((m) => m.id),
    },
  });
}

export async function machineSshView(
  db: Database,
  organizationId: string,
  machineId: string,
): Promise<MachineSsh> {
  const machine = await repos(db).machines.getInOrg(organizationId, machineId);
  const key = machine.sshKeyId
    ? await db.prisma.sshKey.findFirst({
        where: { id: machine.sshKeyId, organizationId },
        select: { name: true },
      })
    : null;
  return {
    machineId: machine.id,
    keyId: machine.sshKeyId,
    keyName: key?.name ?? null,
    user: machine.sshUser,
    port: machine.sshPort,
  };
}

/** Sets the key, user and port the terminal logs in to a machine with; null clears a value. */
export async function setMachineSsh(
  db: Database,
  actor: OrgActor,
  machineId: string,
  input: MachineSshRequest,
): Promise<MachineSsh> {
  const machine = await repos(db).machines.getInOrg(actor.organizationId, machineId);
  const data: Prisma.MachineUncheckedUpdateManyInput = {};
  if (input.keyId !== undefined) {
    if (input.keyId !== null) await repos(db).sshKeys.getInOrg(actor.organizationId, input.keyId);
    data.sshKeyId = input.keyId;
  }
  if (input.user !== undefined) data.sshUser = input.user;
  if (input.port !== undefined) data.sshPort = input.port;
  if (Object.keys(data).length > 0) {
    await db.prisma.machine.updateMany({
      where: { id: machine.id, organizationId: actor.organizationId },
      data,
    });
    await recordAudit(db, actor, {
      action: 'machine.ssh_settings',
      resourceKind: 'machine',
      resourceId: machine.id,
      details: { name: machine.name, ...data },
    });
  }
  return machineSshView(db, actor.organizationId, machine.id);
}
