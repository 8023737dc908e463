import type { CatalogItemList, Stack, StackList, Template, TemplateList } from '@overcast/contracts';
import type { Client } from './client';
import { ApiError } from './errors';
import type { Kind } from './kind';
import { when } from './output';
import { resolveStack, resolveTemplate } from './resolve';

// The `get` kinds of stacks and templates. Their rows carry what the table joins from other
// lists: a template's catalog items, a stack's template name.

export type TemplateRow = Template & { catalog: string[] };
export type StackRow = Stack & { templateName: string | null };

/** Where the current version came from: the Git repository and commit it is pinned to, or here. */
const sourceOf = (t: Template) =>
  t.git ? `git ${t.git.url} ${t.git.path}@${t.git.commit.slice(0, 12)}` : 'local';

async function catalogNames(client: Client): Promise<Map<string, string[]>> {
  const { items } = await client.get<CatalogItemList>('/catalog');
  const names = new Map<string, string[]>();
  for (const item of items) names.set(item.templateId, [...(names.get(item.templateId) ?? []), item.name]);
  return names;
}

const withCatalog = (t: Template, catalog: Map<string, string[]>): TemplateRow => ({
  ...t,
  catalog: catalog.get(t.id) ?? [],
});

export const templates: Kind<TemplateRow> = {
  name: 'templates',
  aliases: ['template', 't'],
  filters: ['search'],
  columns: [
    { header: 'NAME', value: (t) => t.name },
    { header: 'VERSION', value: (t) => String(t.version) },
    { header: 'SOURCE', value: sourceOf },
    { header: 'CATALOG', value: (t) => t.catalog.join(', ') || '-' },
    { header: 'CHANGED BY', value: (t) => t.changedBy, wide: true },
    { header: 'ID', value: (t) => t.id, wide: true },
    { header: 'UPDATED', value: (t) => when(t.updatedAt) },
  ],
  async list(client, cli) {
    const [{ items }, catalog] = await Promise.all([
      client.get<TemplateList>('/templates'),
      catalogNames(client),
    ]);
    const search = cli.string('search')?.toLowerCase();
    return items
      .filter((t) => !search || t.name.toLowerCase().includes(search))
      .map((t) => withCatalog(t, catalog));
  },
  async one(client, ref) {
    const [template, catalog] = await Promise.all([resolveTemplate(client, ref), catalogNames(client)]);
    return withCatalog(template, catalog);
  },
  changedBy: (e) => e.type === 'template.changed',
};

/** Template names by id; empty for someone who may deploy from the catalog but not read templates. */
async function templateNames(client: Client): Promise<Map<string, string>> {
  try {
    const { items } = await client.get<TemplateList>('/templates');
    return new Map(items.map((t) => [t.id, t.name]));
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return new Map();
    throw err;
  }
}

const withTemplate = (s: Stack, names: Map<string, string>): StackRow => ({
  ...s,
  templateName: s.templateId ? (names.get(s.templateId) ?? null) : null,
});

/** The template and version, by name when it can be read, else by id; a deleted template says so. */
const templateOf = (s: StackRow) =>
  `${s.templateName ?? (s.templateId ? s.templateId.slice(0, 8) : '(deleted)')}@${s.templateVersion}`;

const machinesOf = (s: Stack) => {
  const machines = s.resources.filter((r) => r.kind === 'machine');
  return `${machines.filter((r) => r.status === 'ready').length}/${machines.length}`;
};

export const stacks: Kind<StackRow> = {
  name: 'stacks',
  aliases: ['stack', 'st'],
  filters: ['state', 'search'],
  columns: [
    { header: 'NAME', value: (s) => s.name },
    { header: 'TEMPLATE', value: templateOf },
    { header: 'STATUS', value: (s) => s.status },
    { header: 'MACHINES', value: machinesOf },
    { header: 'ID', value: (s) => s.id, wide: true },
    { header: 'ERROR', value: (s) => s.error ?? '', wide: true },
    { header: 'CREATED', value: (s) => when(s.createdAt) },
  ],
  async list(client, cli) {
    const [{ items }, names] = await Promise.all([client.get<StackList>('/stacks'), templateNames(client)]);
    const status = cli.string('state');
    const search = cli.string('search')?.toLowerCase();
    return items
      .filter((s) => (!status || s.status === status) && (!search || s.name.toLowerCase().includes(search)))
      .map((s) => withTemplate(s, names));
  },
  async one(client, ref) {
    const [stack, names] = await Promise.all([resolveStack(client, ref), templateNames(client)]);
    return withTemplate(stack, names);
  },
  changedBy: (e) => e.type === 'stack.changed' || e.type === 'template.changed',
};
