// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}, not JavaScript
import type { TemplateDocument, TemplateInput } from '@overcast/contracts';
import { type Reference, referencesIn } from './references';

export interface MeaningProblem {
  path: (string | number)[];
  message: string;
}

/** What a text in each place of a template may refer to. */
type Place = 'machine' | 'env' | 'output';

/**
 * Checks what the schema cannot: inputs' defaults and choices, the machines and steps that steps
 * name, `after:` cycles, and that every `${...}` names something that exists by then.
 */
export function checkTemplateMeaning(doc: TemplateDocument): MeaningProblem[] {
  const problems: MeaningProblem[] = [];
  const inputs = doc.inputs ?? {};
  const machines = doc.resources.machines;
  const steps = doc.steps ?? {};
  for (const [name, input] of Object.entries(inputs)) problems.push(...checkInput(name, input));

  const refProblem = (path: (string | number)[], text: string, place: Place, before?: Set<string>) => {
    for (const { raw, ref } of referencesIn(text)) {
      const message = refMessage(raw, ref, place, inputs, machines, steps, before);
      if (message) problems.push({ path, message });
    }
  };
  for (const [name, m] of Object.entries(machines)) {
    const base = ['resources', 'machines', name];
    for (const field of ['cloud', 'size', 'image', 'location', 'key'] as const) {
      const value = m[field];
      if (value !== undefined) refProblem([...base, field], value, 'machine');
    }
    for (const [k, v] of Object.entries(m.tags ?? {})) refProblem([...base, 'tags', k], v, 'machine');
    if (m.tags && 'stack' in m.tags)
      problems.push({
        path: [...base, 'tags', 'stack'],
        message: 'The stack tag is set by Overcast; use another key.',
      });
  }
  for (const [name, step] of Object.entries(steps)) {
    step.on.forEach((m, i) => {
      if (!(m in machines))
        problems.push({
          path: ['steps', name, 'on', i],
          message: `No machine is named ${m}; the template has ${Object.keys(machines).join(', ')}.`,
        });
    });
    (step.after ?? []).forEach((s, i) => {
      if (s === name)
        problems.push({ path: ['steps', name, 'after', i], message: 'A step cannot come after itself.' });
      else if (!(s in steps))
        problems.push({ path: ['steps', name, 'after', i], message: `No step is named ${s}.` });
    });
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
  }
  for (const [name, text] of Object.entries(doc.outputs ?? {})) refProblem(['outputs', name], text, 'output');
  return problems;
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
  inputs: Record<string, TemplateInput>,
  machines: Record<string, unknown>,
  steps: Record<string, unknown>,
  before?: Set<string>,
): string | null {
  if (!ref)
    return `${raw} is not a reference; use \${inputs.x}, \${machines.m.address}, \${machines.m.addresses} or \${steps.s.output} (write $\${ for a literal \${).`;
  if (ref.kind === 'input') {
    const input = inputs[ref.name];
    if (!input) return `${raw}: no input is named ${ref.name}.`;
    if (input.type === 'secret' && place !== 'env')
      return `${raw} is a secret; secrets may only go into a step's env.`;
    return null;
  }
  if (place === 'machine') return `${raw}: a machine's fields may only use inputs.`;
  if (ref.kind === 'machine') return ref.name in machines ? null : `${raw}: no machine is named ${ref.name}.`;
  if (!(ref.name in steps)) return `${raw}: no step is named ${ref.name}.`;
  if (before && !before.has(ref.name))
    return `${raw}: this step does not come after ${ref.name}; add it to after.`;
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
