import type { Machine, MachineDetail, MachinePage, Script, Stack, Template } from '@overcast/contracts';
import type { Client } from './client';
import { CliError } from './errors';
import type { CloudList } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isId = (text: string) => UUID.test(text);

/** Exactly one of the rows named `name`, or an error that says what to type instead. */
export function single<T extends { id: string }>(kind: string, name: string, rows: T[]): T {
  if (rows.length === 1) return rows[0]!;
  if (rows.length === 0) throw new CliError(`No ${kind} named "${name}".`);
  throw new CliError(
    `${rows.length} ${kind}s are named "${name}"; give the id instead: ${rows.map((r) => r.id).join(', ')}`,
  );
}

/** A machine by id or by exact name. */
export async function resolveMachine(client: Client, ref: string): Promise<Machine> {
  if (isId(ref)) return (await client.get<MachineDetail>(`/machines/${ref}`)).machine;
  const page = await client.get<MachinePage>('/machines', { q: ref, limit: 1000 });
  return single(
    'machine',
    ref,
    page.items.filter((m) => m.name === ref),
  );
}

export async function resolveCloud(client: Client, ref: string): Promise<{ id: string; title: string }> {
  const { items } = await client.get<CloudList>('/clouds');
  return single(
    'cloud',
    ref,
    items.filter((c) => c.id === ref || c.title === ref),
  );
}

/** One of a kind whose names are unique in an organization: by id, or by exact name in its list. */
async function byIdOrName<T extends { id: string; name: string }>(
  client: Client,
  kind: string,
  path: string,
  ref: string,
): Promise<T> {
  if (isId(ref)) return client.get<T>(`${path}/${ref}`);
  const { items } = await client.get<{ items: T[] }>(path);
  return single(
    kind,
    ref,
    items.filter((x) => x.name === ref),
  );
}

export const resolveScript = (client: Client, ref: string) =>
  byIdOrName<Script>(client, 'script', '/scripts', ref);
export const resolveTemplate = (client: Client, ref: string) =>
  byIdOrName<Template>(client, 'template', '/templates', ref);
export const resolveStack = (client: Client, ref: string) =>
  byIdOrName<Stack>(client, 'stack', '/stacks', ref);
