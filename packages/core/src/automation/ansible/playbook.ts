import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { DomainError } from '../../errors';

// What an ansible script's body and requirements file must be, checked when it is saved.

const invalid = (message: string, field: string) =>
  new DomainError('invalid', 'validation_failed', message, field);

/** The first line of a YAML parse error, without the source excerpt the parser appends. */
const firstLine = (message: string) =>
  message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';

/** Keys that make a mapping a play (or a playbook import) rather than, say, a task list item. */
const PLAY_KEYS = ['hosts', 'import_playbook', 'ansible.builtin.import_playbook'];

/** What is wrong with a playbook, at a line of its own text. */
export interface PlaybookProblem {
  line: number;
  message: string;
}

/**
 * A playbook is YAML holding a list of plays, each a mapping with `hosts` (or an
 * `import_playbook`). Returns the first problem with its line, or null for a good playbook.
 */
export function playbookProblem(body: string): PlaybookProblem | null {
  const lines = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    return { line, message: `the playbook is not valid YAML: ${firstLine(error.message)}.` };
  }
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lines.linePos(node.range[0]).line : 1;
  const root = doc.contents;
  if (!isSeq(root)) {
    return {
      line: lineOf(root),
      message: 'the playbook must be a list of plays (each starting with "- hosts: all").',
    };
  }
  if (root.items.length === 0)
    return { line: 1, message: 'the playbook has no plays; add one ("- hosts: all").' };
  for (const item of root.items) {
    const node = item as Parameters<typeof lineOf>[0];
    if (!isMap(item))
      return { line: lineOf(node), message: 'each play must be a mapping with "hosts:" and its tasks.' };
    const keys = item.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
    if (!keys.some((k) => PLAY_KEYS.includes(k))) {
      return {
        line: lineOf(node),
        message: 'this play names no hosts; add "hosts: all" (the run\'s targets are the inventory).',
      };
    }
  }
  return null;
}

/** An ansible script's body must be a playbook; a refusal names the line, so the editor can point at it. */
export function checkPlaybook(body: string): void {
  const problem = playbookProblem(body);
  if (problem) throw invalid(`Line ${problem.line}: ${problem.message}`, 'body.body');
}

/** Variables Ansible itself gives meaning to: a value there would steer the run, not feed the playbook. */
const MAGIC_VARIABLES = new Set([
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'inventory_hostname_short',
  'inventory_dir',
  'inventory_file',
  'playbook_dir',
  'play_hosts',
  'omit',
  'environment',
]);

/**
 * Why a name cannot be an extra variable, or null. Extra variables outrank the inventory, so one
 * named ansible_ssh_common_args (say) holding a deployer's input would change how the worker
 * connects (a ProxyCommand runs on the worker); those names are refused outright.
 */
export function extraVarNameProblem(name: string): string | null {
  if (/^ansible_/i.test(name) || MAGIC_VARIABLES.has(name))
    return `${name} is a variable Ansible itself uses (connection settings, inventory); pick another name.`;
  return null;
}

export interface Requirement {
  name: string;
  version?: string;
}

/**
 * A requirements file: `collections:` naming collections, by name or `{ name, version }`.
 *
 * Nothing is downloaded: every collection named must already be installed with the worker's
 * Ansible (Debian's `ansible` package ships the common ones), and the run checks that before it
 * starts. Fetching from Galaxy at run time would make each run depend on a third party being
 * reachable (it is not, on many workers), run code nobody in the organization reviewed with the
 * organization's keys at hand, and make two runs of one version differ. Roles are refused for the
 * same reason: a role in a requirements file exists only to be downloaded.
 */
export function parseRequirements(text: string): Requirement[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    throw invalid(
      `The requirements file is not valid YAML: line ${line}: ${firstLine(error.message)}.`,
      'body.requirements',
    );
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('The requirements file must be a mapping with a "collections:" list.', 'body.requirements');
  }
  const { collections, roles, ...rest } = value as Record<string, unknown>;
  const other = Object.keys(rest);
  if (other.length > 0)
    throw invalid(
      `The requirements file may hold only "collections:", not ${other.join(', ')}.`,
      'body.requirements',
    );
  if (roles !== undefined && roles !== null && !(Array.isArray(roles) && roles.length === 0)) {
    throw invalid(
      'Roles are not installed: Overcast downloads nothing for a run. Put the role in the playbook, or use a collection the worker already has.',
      'body.requirements',
    );
  }
  if (collections === undefined || collections === null) return [];
  if (!Array.isArray(collections))
    throw invalid('"collections:" must be a list of collection names.', 'body.requirements');
  return collections.map((entry) => {
    const item = typeof entry === 'string' ? { name: entry } : (entry as Record<string, unknown>);
    const name = item && typeof item === 'object' ? item.name : undefined;
    if (typeof name !== 'string' || !/^[a-z0-9_]+\.[a-z0-9_]+$/i.test(name)) {
      throw invalid(
        `Each collection is named "namespace.collection" (e.g. community.general), optionally with a version; ${JSON.stringify(entry)} is not.`,
        'body.requirements',
      );
    }
    const extra = Object.keys(item).filter((k) => k !== 'name' && k !== 'version');
    if (extra.length > 0) {
      throw invalid(
        `${name}: ${extra.join(', ')} would download it from elsewhere; Overcast uses only collections the worker already has.`,
        'body.requirements',
      );
    }
    return item.version === undefined ? { name } : { name, version: String(item.version) };
  });
}
