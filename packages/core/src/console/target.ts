import {
  type GraphicalConsoleDriver,
  isGraphicalConsoleDriver,
  isSerialConsoleDriver,
  isTicketConsoleDriver,
  type SerialConsoleDriver,
  type TicketConsoleDriver,
} from '@overcast/contracts';
import type { Cloud, Machine } from '@overcast/db';
import type { Actor } from '../actor';
import { recordAudit } from '../audit';
import { authorizeMachineAction, type OnBehalfOf } from '../authz/machine-access';
import { featuresOf } from '../clouds/modules';
import { driverOf } from '../clouds/service';
import { DomainError, fromProviderError } from '../errors';
import { outboundRules, resolveOutbound } from '../outbound/guard';
import { repos } from '../repositories';
import type { DriverRuntime, SecretsRuntime } from '../runtime';

/** What a console reaches machines with. */
export type ConsoleRuntime = SecretsRuntime & DriverRuntime;

export type ConsoleKind = 'graphical' | 'serial' | 'ticket';

/** Who opens a console: the actor recorded, and the person whose rights are checked. */
export interface ConsoleOpener {
  actor: Actor & { organizationId: string; userId: string };
  who: OnBehalfOf;
}

/** A machine whose provider offers a console, checked for the person: which kind, and its cloud. */
export interface ConsoleMachine {
  machine: Machine;
  cloud: Cloud;
  kind: ConsoleKind;
}

/**
 * The machine's console, if its provider has one and the person may use it. A console is a way
 * into the machine like the terminal, so it takes the same right: `shell`.
 */
export async function consoleMachine(
  runtime: Pick<ConsoleRuntime, 'db'>,
  opener: ConsoleOpener,
  machineId: string,
): Promise<ConsoleMachine> {
  const { db } = runtime;
  const organizationId = opener.actor.organizationId;
  const machine = await repos(db).machines.getInOrg(organizationId, machineId);
  await authorizeMachineAction(db, organizationId, opener.who, machine, 'shell');
  const cloud = await repos(db).clouds.getInOrg(organizationId, machine.cloudId);
  const kind = featuresOf(cloud.provider).console;
  if (kind === 'none') {
    throw new DomainError(
      'invalid',
      'console_unavailable',
      `${cloud.title} offers no console for its machines; use the terminal (SSH) instead.`,
    );
  }
  return { machine, cloud, kind };
}

/** Where the browser's VNC stream goes: an address the outbound guard let through, and the port. */
export interface VncEndpoint {
  host: string;
  address: string;
  port: number;
}

/**
 * The machine's VNC display, asked of its driver and checked by the outbound guard like the
 * cloud's own addresses (a private network is fine for a cloud an admin added; loopback and the
 * rest only where settings allow).
 */
export async function graphicalEndpoint(
  runtime: ConsoleRuntime,
  target: ConsoleMachine,
): Promise<VncEndpoint> {
  const driver = await consoleDriver<GraphicalConsoleDriver>(runtime, target, isGraphicalConsoleDriver);
  let found: Awaited<ReturnType<GraphicalConsoleDriver['consoleTarget']>>;
  try {
    found = await driver.consoleTarget(target.machine.externalId);
  } catch (err) {
    throw fromProviderError(target.cloud.provider, err, `finding the console of ${target.machine.name}`);
  }
  const { address } = await resolveOutbound(found.host, {
    purpose: 'cloud',
    actorRole: 'admin',
    rules: outboundRules(runtime.settings),
  });
  return { host: found.host, address, port: found.port };
}

/** The machine's serial console driver. */
export function serialDriver(runtime: ConsoleRuntime, target: ConsoleMachine): Promise<SerialConsoleDriver> {
  return consoleDriver<SerialConsoleDriver>(runtime, target, isSerialConsoleDriver);
}

async function consoleDriver<D>(
  runtime: ConsoleRuntime,
  target: ConsoleMachine,
  is: (driver: Awaited<ReturnType<typeof driverOf>>) => boolean,
): Promise<D> {
  const driver = await driverOf(runtime, target.cloud);
  if (!is(driver)) {
    throw new DomainError(
      'invalid',
      'console_unavailable',
      `${target.cloud.title} offers no ${target.kind} console for its machines.`,
    );
  }
  return driver as D;
}

/** A one-time link to a machine's console in its provider's own application, and how long it lasts. */
export interface ConsoleTicket {
  url: string;
  expiresInSeconds: number;
}

/** vCenter's VMRC tickets are good for about a minute, once. */
const TICKET_SECONDS = 60;

/**
 * A console ticket (vSphere's VMware Remote Console): asked of the provider for a person with the
 * shell right, recorded in the audit log (the ticket itself is a credential, so it is not).
 */
export async function consoleTicket(
  runtime: ConsoleRuntime,
  opener: ConsoleOpener,
  machineId: string,
): Promise<ConsoleTicket> {
  const target = await consoleMachine(runtime, opener, machineId);
  if (target.kind !== 'ticket') {
    throw new DomainError(
      'invalid',
      'console_unavailable',
      `${target.cloud.title} opens its consoles in the browser, not with a ticket; use Open console instead.`,
    );
  }
  const driver = await consoleDriver<TicketConsoleDriver>(runtime, target, isTicketConsoleDriver);
  const audit = {
    action: 'machine.console.ticket',
    resourceKind: 'machine',
    resourceId: target.machine.id,
    details: { name: target.machine.name },
  };
  let url: string;
  try {
    url = await driver.consoleTicket(target.machine.externalId);
  } catch (err) {
    const failure = fromProviderError(
      target.cloud.provider,
      err,
      `opening the console of ${target.machine.name}`,
    );
    await recordAudit(runtime.db, opener.actor, {
      ...audit,
      result: 'failure',
      details: { ...audit.details, error: failure.message },
    });
    throw failure;
  }
  await recordAudit(runtime.db, opener.actor, audit);
  return { url, expiresInSeconds: TICKET_SECONDS };
}
