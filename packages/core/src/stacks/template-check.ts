// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}, not JavaScript
import type { TemplateDocument, TemplateInput } from '@overcast/contracts';
import { type Reference, referencesIn } from './references';
import { ansibleStepProblems, type MeaningProblem } from './template-ansible';

export type { MeaningProblem };

/** What a text in each place of a template may refer to. */
type Place = 'machine' | 'env' | 'output';

/**
 * Checks what the schema cannot: inputs' defaults and choices, the machines and steps that steps
 * name, the machines volumes attach to, `after:` cycles, ansible steps' playbooks, and that every
 * `${...}` names something that exists by then.
 */
export function checkTemplateMeaning(doc: TemplateDocument): MeaningProblem[] {
  const problems: MeaningProblem[] = [];
  const inputs = doc.inputs ?? {};
  const machines = doc.resources.machines ?? {};
  const volumes = doc.resources.volumes ?? {};
  const containers = doc.resources.containers ?? {};
  const steps = doc.steps ?? {};
  for (const [name, input] of Object.entries(inputs)) problems.push(...checkInput(name, input));
  if (!Object.keys(machines).length && !Object.keys(containers).length)
    problems.push({ path: ['resources'], message: 'A template makes at least one machine or container.' });

  const known = { inputs, machines, volumes, steps };
  const refProblem = (path: (string | number)[], text: string, place: Place, before?: Set<string>) => {
    for (const { raw, ref } of referencesIn(text)) {
      const message = refMessage(raw, ref, place, known, before);
      if (message) problems.push({ path, message });
    }
  };
  const inputsOnly = (base: string[], fields: Record<string, string | undefined>) => {
    for (const [field, value] of Object.entries(fields))
      if (value !== undefined) refProblem([...base, field], value, 'machine');
  };
  const ownTags = (base: string[], tags: Record<string, string> | undefined) => {
    for (const [k, v] of Object.entries(tags ?? {})) refProblem([...base, 'tags', k], v, 'machine');
    if (tags && 'stack' in tags)
      problems.push({
        path: [...base, 'tags', 'stack'],
        message: 'The stack tag is set by Overcast; use another key.',
      });
  };
  for (const [name, m] of Object.entries(machines)) {
    const base = ['resources', 'machines', name];
    inputsOnly(base, { cloud: m.cloud, size: m.size, image: m.image, location: m.location, key: m.key });
    ownTags(base, m.tags);
  }
  const seen = new Map(Object.keys(machines).map((n) => [n, 'machine']));
  for (const [kind, names] of [
    ['volume', Object.keys(volumes)],
    ['container', Object.keys(containers)],
  ] as const)
    for (const name of names) {
      const other = seen.get(name);
      if (other)
        problems.push({
          path: ['resources', `${kind}s`, name],
          message: `${name} is already a ${other}; resources are named once across machines, volumes and containers.`,
        });
      else seen.set(name, kind);
    }
  for (const [name, v] of Object.entries(volumes)) {
    const base = ['resources', 'volumes', name];
    inputsOnly(base, { cloud: v.cloud, name: v.name });
    if (!(v.attach in machines))
      problems.push({
        path: [...base, 'attach'],
        message: `No machine is named ${v.attach}; a volume attaches to one of ${listOr(Object.keys(machines))}.`,
      });
  }
  for (const [name, step] of Object.entries(steps)) {
    step.on.forEach((m, i) => {
      if (!(m in machines))
        problems.push({
          path: ['steps', name, 'on', i],
          message: `No machine is named ${m}; the template has ${listOr(Object.keys(machines))}.`,
        });
    });
    problems.push(...afterProblems(['steps', name], step.after, steps, name));
    if (step.kind === 'ansible') problems.push(...ansibleStepProblems(['steps', name], step));
  }
  for (const [name, c] of Object.entries(containers)) {
    const base = ['resources', 'containers', name];
    inputsOnly(base, { cloud: c.cloud, image: c.image, name: c.name });
    for (const field of ['ports', 'command'] as const)
      for (const [i, text] of (c[field] ?? []).entries()) refProblem([...base, field, i], text, 'machine');
    ownTags(base, c.tags);
    problems.push(...afterProblems(base, c.after, steps));
  }
  const cycle = findCycle(steps);
  if (cycle)
    problems.push({
      path: ['steps', cycle[0]!, 'after'],
      message: `The steps wait on each other in a circle: ${cycle.join(' -> ')}.`,
    });
  else {
    for (const [name, step] of Object.entries(steps)) {
      const before = ancestors(steps, name);
      for (const [k, v] of Object.entries(step.env ?? {}))
        refProblem(['steps', name, 'env', k], v, 'env', before);
    }
    for (const [name, c] of Object.entries(containers)) {
      const before = new Set((c.after ?? []).flatMap((s) => [s, ...ancestors(steps, s)]));
      for (const [k, v] of Object.entries(c.env ?? {}))
        refProblem(['resources', 'containers', name, 'env', k], v, 'env', before);
    }
  }
  for (const [name, text] of Object.entries(doc.outputs ?? {})) refProblem(['outputs', name], text, 'output');
  return problems;
}

const listOr = (names: string[]) => names.join(', ') || 'none (it has no machines)';

/** The steps an `after:` list names must exist (and a step cannot wait on itself). */
function afterProblems(
  base: (string | number)[],
  after: string[] | undefined,
  steps: Record<string, unknown>,
  self?: string,
): MeaningProblem[] {
  return (after ?? []).flatMap((s, i) => {
    const path = [...base, 'after', i];
    if (s === self) return [{ path, message: 'A step cannot come after itself.' }];
    return s in steps ? [] : [{ path, message: `No step is named ${s}.` }];
  });
}

function checkInput(name: string, input: TemplateInput): MeaningProblem[] {
  const at = (field: string, message: string) => [{ path: ['inputs', name, field], message }];
  if (input.type === 'choice' && !input.allowed)
    return at('type', 'A choice input lists its allowed values.');
  if (input.type !== 'choice' && input.allowed)
    return at('allowed', 'Only a choice input has allowed values.');
  if (input.default === undefined) return [];
  if (input.type === 'secret')
    return at('default', 'A secret input has no default; it is asked for at each deploy.');
  const wanted = input.type === 'number' ? 'number' : input.type === 'boolean' ? 'boolean' : null;
  if (wanted && typeof input.default !== wanted)
    return at('default', `The default of a ${input.type} input is a ${wanted}.`);
  if (input.type === 'string' && typeof input.default !== 'string')
    return at('default', 'The default of a string input is text; quote it.');
  if (input.allowed && !input.allowed.includes(input.default as string | number))
    return at('default', `The default is not one of the allowed values (${input.allowed.join(', ')}).`);
  return [];
}

function refMessage(
  raw: string,
  ref: Reference | null,
  place: Place,
  known: {
    inputs: Record<string, TemplateInput>;
    machines: Record<string, unknown>;
    volumes: Record<string, unknown>;
    steps: Record<string, unknown>;
  },
  before?: Set<string>,
): string | null {
  if (!ref)
    return `${raw} is not a reference; use \${inputs.x}, \${machines.m.address}, \${machines.m.addresses}, \${volumes.v.id}, \${volumes.v.ids} or \${steps.s.output} (write $\${ for a literal \${).`;
  if (ref.kind === 'input') {
    const input = known.inputs[ref.name];
    if (!input) return `${raw}: no input is named ${ref.name}.`;
    if (input.type === 'secret' && place !== 'env')
      return `${raw} is a secret; secrets may only go into a step's or a container's env.`;
    return null;
  }
  if (place === 'machine') return `${raw}: a resource's fields may only use inputs (and a container's env).`;
  if (ref.kind === 'machine')
    return ref.name in known.machines ? null : `${raw}: no machine is named ${ref.name}.`;
  if (ref.kind === 'volume')
    return ref.name in known.volumes ? null : `${raw}: no volume is named ${ref.name}.`;
  if (!(ref.name in known.steps)) return `${raw}: no step is named ${ref.name}.`;
  if (before && !before.has(ref.name))
    return `${raw}: this does not come after ${ref.name}; add it to after.`;
  return null;
}

type StepGraph = Record<string, { after?: string[] }>;

/** A circle of `after:` links, as the names along it, or null. */
export function findCycle(steps: StepGraph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done' || !(name in steps)) return null;
    if (state.get(name) === 'open') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'open');
    trail.push(name);
    for (const next of steps[name]!.after ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    trail.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of Object.keys(steps)) {
    const found = visit(name);
    if (found) return found;
  }
  return null;
}

/** Every step a step comes after, directly or not (the graph has no cycle). */
export function ancestors(steps: StepGraph, name: string): Set<string> {
  const seen = new Set<string>();
  const walk = (n: string) => {
    for (const a of steps[n]?.after ?? []) {
      if (!seen.has(a) && a in steps) {
        seen.add(a);
        walk(a);
      }
    }
  };
  walk(name);
  return seen;
}
