import type {
  Cloud,
  Machine,
  MachineListQuery,
  MachinePage,
  Script,
  ScriptList,
  ScriptRunList,
  ScriptRunSummary,
  StreamEvent,
  Volume,
  VolumeList,
  VolumeListQuery,
} from '@overcast/contracts';
import { formatTagList } from '@overcast/contracts/tags';
import type { Client } from './client';
import type { Invocation } from './command';
import type { Kind } from './kind';
import { when } from './output';
import { resolveCloud, resolveMachine, resolveScript, single } from './resolve';
import { stacks, templates } from './stack-kinds';
import type { CloudList } from './types';

export type { Kind } from './kind';

// What `get` can list: how to fetch each kind with its filters, its table columns, and which
// stream events may change it (for --watch).

const money = (value: string | null) => (value === null ? '-' : value);
const cloudId = async (client: Client, cli: Invocation) => {
  const ref = cli.string('cloud');
  return ref ? (await resolveCloud(client, ref)).id : undefined;
};

const machines: Kind<Machine> = {
  name: 'machines',
  aliases: ['machine', 'm'],
  filters: ['state', 'cloud', 'provider', 'tag', 'search', 'mine', 'limit'],
  columns: [
    { header: 'NAME', value: (m) => m.name },
    { header: 'STATE', value: (m) => m.state },
    { header: 'CLOUD', value: (m) => m.cloudTitle },
    { header: 'SIZE', value: (m) => m.size ?? '-' },
    { header: 'LOCATION', value: (m) => m.location ?? '-' },
    { header: 'PUBLIC IP', value: (m) => m.publicIps[0] ?? '-' },
    { header: 'COST/MO', value: (m) => money(m.costMonthly), wide: true },
    { header: 'ID', value: (m) => m.id, wide: true },
    { header: 'TAGS', value: (m) => formatTagList(m.tags) },
  ],
  async list(client, cli) {
    const query: MachineListQuery = {
      state: cli.string('state') as MachineListQuery['state'],
      cloud: await cloudId(client, cli),
      provider: cli.string('provider'),
      tag: cli.string('tag'),
      q: cli.string('search'),
      owner: cli.flag('mine') ? 'me' : undefined,
    };
    const wanted = Number(cli.string('limit') ?? Number.POSITIVE_INFINITY);
    const rows: Machine[] = [];
    let cursor: string | undefined;
    // Every page, up to --limit.
    do {
      const page: MachinePage = await client.get<MachinePage>('/machines', {
        ...query,
        limit: Math.min(1000, Math.max(1, wanted - rows.length)),
        cursor,
      });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < wanted);
    return rows;
  },
  one: resolveMachine,
  changedBy: (e) =>
    e.type === 'machine.changed' || (e.type === 'inventory.changed' && hasOtherThanVolumes(e)),
};

const hasOtherThanVolumes = (e: Extract<StreamEvent, { type: 'inventory.changed' }>) =>
  Object.keys(e.counts).some((k) => k !== 'volumes');

const clouds: Kind<Cloud> = {
  name: 'clouds',
  aliases: ['cloud', 'c'],
  filters: ['provider', 'search'],
  columns: [
    { header: 'NAME', value: (c) => c.title },
    { header: 'PROVIDER', value: (c) => c.provider },
    { header: 'STATUS', value: (c) => (c.enabled ? c.pollStatus : 'disabled') },
    { header: 'MACHINES', value: (c) => String(c.machineCount) },
    { header: 'COST/MO', value: (c) => c.monthlyCost },
    { header: 'LAST POLL', value: (c) => when(c.lastPollAt), wide: true },
    { header: 'ID', value: (c) => c.id, wide: true },
    { header: 'LAST ERROR', value: (c) => c.lastError ?? '' },
  ],
  async list(client, cli) {
    const { items } = await client.get<CloudList>('/clouds');
    const provider = cli.string('provider');
    const search = cli.string('search')?.toLowerCase();
    return items.filter(
      (c) => (!provider || c.provider === provider) && (!search || c.title.toLowerCase().includes(search)),
    );
  },
  async one(client, ref) {
    const { id } = await resolveCloud(client, ref);
    return client.get<Cloud>(`/clouds/${id}`);
  },
  changedBy: (e) => e.type === 'cloud.changed' || e.type === 'inventory.changed',
};

const volumes: Kind<Volume> = {
  name: 'volumes',
  aliases: ['volume', 'v'],
  filters: ['state', 'cloud', 'machine', 'search', 'limit'],
  columns: [
    { header: 'NAME', value: (v) => v.name },
    { header: 'STATE', value: (v) => v.state },
    { header: 'CLOUD', value: (v) => v.cloudTitle },
    { header: 'SIZE', value: (v) => `${v.sizeGb} GB` },
    { header: 'LOCATION', value: (v) => v.location ?? '-' },
    { header: 'COST/MO', value: (v) => money(v.costMonthly), wide: true },
    { header: 'ID', value: (v) => v.id, wide: true },
    { header: 'ATTACHED TO', value: (v) => v.attachedTo.map((a) => a.name ?? a.externalId).join(', ') },
  ],
  async list(client, cli) {
    const machine = cli.string('machine');
    const query: VolumeListQuery = {
      state: cli.string('state') as VolumeListQuery['state'],
      cloud: await cloudId(client, cli),
      machine: machine ? (await resolveMachine(client, machine)).id : undefined,
      q: cli.string('search'),
    };
    const wanted = Number(cli.string('limit') ?? Number.POSITIVE_INFINITY);
    const rows: Volume[] = [];
    for (;;) {
      const page = await client.get<VolumeList>('/volumes', {
        ...query,
        limit: Math.min(500, Math.max(1, wanted - rows.length)),
        offset: rows.length,
      });
      rows.push(...page.items);
      if (page.items.length === 0 || rows.length >= Math.min(page.total, wanted)) return rows;
    }
  },
  async one(client, ref) {
    const { items } = await client.get<VolumeList>('/volumes', { q: ref, limit: 500 });
    return single(
      'volume',
      ref,
      items.filter((v) => v.id === ref || v.name === ref),
    );
  },
  changedBy: (e) => e.type === 'inventory.changed' && 'volumes' in e.counts,
};

const scripts: Kind<Script> = {
  name: 'scripts',
  aliases: ['script', 's'],
  filters: ['search'],
  columns: [
    { header: 'NAME', value: (s) => s.name },
    { header: 'KIND', value: (s) => s.kind },
    { header: 'VERSION', value: (s) => String(s.version) },
    { header: 'PARAMETERS', value: (s) => s.parameters.map((p) => p.name).join(', ') },
    { header: 'ID', value: (s) => s.id, wide: true },
    { header: 'UPDATED', value: (s) => when(s.updatedAt) },
  ],
  async list(client, cli) {
    const { items } = await client.get<ScriptList>('/scripts');
    const search = cli.string('search')?.toLowerCase();
    return items.filter((s) => !search || s.name.toLowerCase().includes(search));
  },
  one: resolveScript,
  changedBy: () => false,
};

const counts = (r: ScriptRunSummary) =>
  Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status}=${n}`)
    .join(' ');

const runs: Kind<ScriptRunSummary> = {
  name: 'runs',
  aliases: ['run', 'r'],
  filters: ['script', 'state', 'limit'],
  columns: [
    { header: 'ID', value: (r) => r.id },
    { header: 'SCRIPT', value: (r) => r.scriptName },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'MACHINES', value: (r) => counts(r) },
    { header: 'STARTED BY', value: (r) => r.startedBy },
    { header: 'CREATED', value: (r) => when(r.createdAt) },
    { header: 'FINISHED', value: (r) => when(r.finishedAt), wide: true },
  ],
  async list(client, cli) {
    const script = cli.string('script');
    const limit = Math.min(500, Number(cli.string('limit') ?? 50));
    const path = script ? `/scripts/${(await resolveScript(client, script)).id}/runs` : '/script-runs';
    const { items } = await client.get<ScriptRunList>(path, { limit });
    const status = cli.string('state');
    return items.filter((r) => !status || r.status === status);
  },
  one: (client, ref) => client.get<ScriptRunSummary>(`/script-runs/${ref}`),
  changedBy: (e) => e.type === 'script.run' || e.type === 'script.target',
};

// Each kind's columns take its own rows; `get` only hands each kind the rows it listed.
export const KINDS = [machines, clouds, volumes, scripts, runs, templates, stacks] as unknown as Kind<{
  id: string;
}>[];

export function kindOf(name: string): Kind<{ id: string }> | undefined {
  return KINDS.find((k) => k.name === name || k.aliases.includes(name));
}
