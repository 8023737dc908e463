import type { Cloud, Machine } from '@overcast/db';
import { SshError } from '@overcast/ssh';
import { DomainError } from '../errors';
import { type KeyLoader, keyLoader, machineLogin } from '../ssh-access/login';
import { type MachineRoute, machineRoute } from '../ssh-access/route';
import type { ScriptExecRuntime } from './script-output';

/** Why a machine could not be reached, in words for its run record. */
export function connectMessage(err: unknown, where: string): string {
  if (!(err instanceof SshError)) return `Could not connect to ${where}: ${(err as Error)?.message ?? err}`;
  if (err.kind === 'auth') {
    return `${where} refused the login. Check the user name and that the key's public half is in the user's ~/.ssh/authorized_keys.`;
  }
  if (err.kind === 'host-key-mismatch') {
    return `${err.message} The script was not run; an admin can accept the new key from the machine's terminal.`;
  }
  return err.message;
}

/**
 * What every machine of a run needs from the database, loaded once per run: the machines, their
 * clouds, host keys, and each SSH key decrypted once (a 200-machine run is not 1,000 queries).
 */
export class RunLookups {
  private machines = new Map<string, Machine>();
  private clouds = new Map<string, Cloud>();
  private hostKeys = new Map<string, { fingerprint: string; algorithm: string }>();
  private keys: KeyLoader | null = null;

  constructor(private readonly runtime: ScriptExecRuntime) {}

  async load(organizationId: string, machineIds: string[]): Promise<void> {
    const { prisma } = this.runtime.db;
    this.keys = keyLoader(this.runtime, organizationId);
    const machines = await prisma.machine.findMany({ where: { id: { in: machineIds }, organizationId } });
    for (const m of machines) this.machines.set(m.id, m);
    const cloudIds = [...new Set(machines.map((m) => m.cloudId))];
    for (const c of await prisma.cloud.findMany({ where: { id: { in: cloudIds }, organizationId } }))
      this.clouds.set(c.id, c);
    const pins = await prisma.hostKey.findMany({ where: { machineId: { in: machineIds }, organizationId } });
    for (const k of pins) this.hostKeys.set(`${k.machineId}|${k.host}|${k.port}`, k);
  }

  machine = (id: string) => this.machines.get(id);

  cloud = (machine: Machine) => this.clouds.get(machine.cloudId);

  /** How the machine is reached; a DomainError says why it cannot be. */
  route(machine: Machine): MachineRoute {
    const cloud = this.clouds.get(machine.cloudId);
    if (!cloud) throw new DomainError('not_found', 'cloud_not_found', 'The machine’s cloud was not found.');
    return machineRoute(machine, cloud);
  }

  pinned = (machineId: string, host: string, port: number) =>
    this.hostKeys.get(`${machineId}|${host}|${port}`);

  login(machine: Machine) {
    const cloud = this.clouds.get(machine.cloudId);
    return cloud && this.keys ? machineLogin(this.runtime.box, machine, cloud, this.keys) : null;
  }
}
