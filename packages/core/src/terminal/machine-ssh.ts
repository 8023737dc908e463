import type { Database, Machine } from '@overcast/db';
import { connectSsh, type SshConnection, SshError } from '@overcast/ssh';
import { DomainError } from '../errors';
import { loginKeyFor } from '../keys/service';
import type { SecretBox } from '../secrets';
import { cloudHostLogin } from './cloud-host';
import { pinHostKey, pinnedHostKey } from './hostkeys';
import { sshTarget } from './target';

/**
 * A non-interactive login to a machine, for work nobody watches (metrics, rule scripts): the
 * same key, user and port the terminal uses, and the same host-key pinning, but never a
 * password prompt and never a changed host key accepted. Failures are DomainErrors that say why.
 */
export async function connectMachineSsh(
  deps: { db: Database; box: SecretBox },
  machine: Machine,
  options: { signal?: AbortSignal; connectTimeoutMs?: number } = {},
): Promise<SshConnection> {
  const hostLogin = await cloudHostLogin(deps, machine).catch(() => null);
  const target = sshTarget({
    ...machine,
    sshUser: machine.sshUser ?? hostLogin?.username ?? null,
    sshPort: machine.sshPort ?? hostLogin?.port ?? null,
  });
  const own = await loginKeyFor(deps, machine);
  const privateKey = own?.secret.privateKey ?? hostLogin?.privateKey;
  const passphrase = own ? own.secret.passphrase : hostLogin?.passphrase;
  const password = own ? undefined : hostLogin?.password;
  if (!privateKey && !password) {
    throw new DomainError(
      'conflict',
      'no_login',
      `No SSH key is associated with ${machine.name} and the organization has no default key; add one on the Keys page.`,
    );
  }
  const pinned = await pinnedHostKey(deps.db, machine.id, target.host, target.port);
  let conn: SshConnection;
  try {
    conn = await connectSsh({
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey,
      passphrase,
      password,
      hostKeyFingerprint: pinned?.fingerprint ?? null,
      connectTimeoutMs: options.connectTimeoutMs,
      keepaliveIntervalMs: 0,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof SshError) {
      throw new DomainError(
        'provider_failed',
        err.kind === 'host-key-mismatch' ? 'host_key_changed' : 'ssh_failed',
        err.kind === 'host-key-mismatch'
          ? `The host key of ${machine.name} has changed; an admin must accept the new key in the terminal before it is used again.`
          : `SSH to ${target.user}@${target.host}:${target.port} failed: ${err.message}`,
      );
    }
    throw err;
  }
  if (!pinned || pinned.algorithm !== conn.hostKey.algorithm) {
    await pinHostKey(deps.db, machine, target.host, target.port, conn.hostKey);
  }
  return conn;
}
