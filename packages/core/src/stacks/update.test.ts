// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}
import type { StackResource, StackStep } from '@overcast/db';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from './template-parse';
import { planOf, type StackState } from './update';

const stack = { id: '00000000-0000-0000-0000-0000000000aa', name: 'shop' };

function state(source: string, values: Record<string, string> = {}, version = 1): StackState {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { document: parsed.document, version, values };
}

const machine = (name: string, size = 's-1vcpu-1gb', extra = '') => `    ${name}:
      cloud: east
      size: ${size}
      image: debian-12-x64
      location: fra1
${extra}`;

const source = (machines: string, steps: string) => `inputs:
  greeting:
    type: string
    default: hello
  colour:
    type: string
    default: blue
resources:
  machines:
${machines}steps:
${steps}`;

const STEPS = `  db-setup:
    on: [db]
    script: echo ready
  web-setup:
    on: [web]
    script: echo "$DB"
    env:
      DB: \${machines.db.address}
  greet:
    on: [web]
    after: [web-setup]
    script: echo "\${inputs.greeting}"
`;

const rows = (...slots: [string, number][]): StackResource[] =>
  slots.map(
    ([name, index]) =>
      ({ kind: 'machine', name, index, status: 'ready', retiredMachineId: null }) as StackResource,
  );
const made = (kind: string, name: string, index = 0) =>
  ({
    kind,
    name,
    index,
    status: 'ready',
    retiredMachineId: null,
    externalId: `${name}-${index}`,
  }) as StackResource;
const done = (...names: string[]): StackStep[] =>
  names.map((name) => ({ name, status: 'succeeded' }) as StackStep);

const BEFORE = state(source(machine('web') + machine('db'), STEPS), { greeting: 'hello', colour: 'blue' });
const MADE = rows(['web', 0], ['db', 0]);
const RAN = done('db-setup', 'web-setup', 'greet');

describe('the plan of a stack update', () => {
  it('changes nothing when version, inputs and template are the same', () => {
    const { plan } = planOf(stack, MADE, RAN, BEFORE, BEFORE);
    expect(plan.unchanged).toBe(true);
    expect(plan.machines.keep).toEqual(['web', 'db']);
    expect(plan.steps.run).toEqual([]);
  });

  it('replaces a machine whose size changed, and runs again the steps on it, naming it, or after those', () => {
    const after = state(source(machine('web') + machine('db', 's-2vcpu-2gb'), STEPS), BEFORE.values, 2);
    const { plan } = planOf(stack, MADE, RAN, BEFORE, after);
    expect(plan.machines).toEqual({
      add: [],
      replace: [{ name: 'db', changes: ['size: s-1vcpu-1gb → s-2vcpu-2gb'] }],
      remove: [],
      keep: ['web'],
    });
    // db-setup runs on db; web-setup reads db's address; greet comes after web-setup.
    expect(plan.steps.run).toEqual(['db-setup', 'greet', 'web-setup']);
  });

  it('runs again only the steps that use a changed input', () => {
    const greeting = planOf(stack, MADE, RAN, BEFORE, {
      ...BEFORE,
      values: { ...BEFORE.values, greeting: 'hi' },
    });
    expect(greeting.plan).toMatchObject({
      inputs: ['greeting'],
      steps: { run: ['greet'] },
      unchanged: false,
    });
    const colour = planOf(stack, MADE, RAN, BEFORE, {
      ...BEFORE,
      values: { ...BEFORE.values, colour: 'red' },
    });
    expect(colour.plan).toMatchObject({ inputs: ['colour'], steps: { run: [] }, unchanged: false });
  });

  it('adds and removes instances as the count changes, and runs a failed step again', () => {
    const three = state(
      source(machine('web', 's-1vcpu-1gb', '      count: 3\n') + machine('db'), STEPS),
      BEFORE.values,
    );
    const up = planOf(
      stack,
      MADE,
      done('db-setup', 'web-setup').concat({ name: 'greet', status: 'failed' } as StackStep),
      BEFORE,
      three,
    );
    expect(up.plan.machines).toMatchObject({ add: ['web-2', 'web-3'], keep: ['web-1', 'db'], remove: [] });
    expect(up.plan.steps.run).toEqual(['greet', 'web-setup']);
    const down = planOf(stack, rows(['web', 0], ['web', 1], ['web', 2], ['db', 0]), RAN, three, BEFORE);
    expect(down.plan.machines).toMatchObject({ remove: ['web-2', 'web-3'], keep: ['web', 'db'] });
    expect(down.removed).toEqual(['web#1', 'web#2']);
  });

  it('makes added volumes and containers, destroys removed ones, moves a volume to its replaced machine', () => {
    const disks = (size: number) => `  volumes:
    data:
      size: ${size}
      attach: web
`;
    const app = (image: string) => `  containers:
    app:
      cloud: engine
      image: ${image}
`;
    const withBoth = (size: string, image: string, extra = '') =>
      state(
        source(machine('web', size) + machine('db'), STEPS).replace(
          'steps:\n',
          `${disks(10)}${app(image)}${extra}steps:\n`,
        ),
        BEFORE.values,
        2,
      );
    const v2 = withBoth('s-1vcpu-1gb', 'nginx:1.27');
    const added = planOf(stack, MADE, RAN, BEFORE, v2);
    expect(added.plan).toMatchObject({
      volumes: { add: ['data'], remove: [], keep: [] },
      containers: { add: ['app'], remove: [], keep: [] },
    });
    // The steps on the machine a volume joins run again: they may mount it.
    expect(added.plan.steps.run).toEqual(['greet', 'web-setup']);

    const all = [...MADE, made('volume', 'data'), made('container', 'app')];
    const removed = planOf(stack, all, RAN, v2, BEFORE);
    expect(removed.plan).toMatchObject({
      volumes: { add: [], remove: ['data'], keep: [] },
      containers: { add: [], remove: ['app'], keep: [] },
    });
    expect(removed.others.removed.map((r) => r.name)).toEqual(['data', 'app']);

    const bigger = planOf(stack, all, RAN, v2, withBoth('s-2vcpu-2gb', 'nginx:1.27'));
    expect(bigger.plan.volumes.keep).toEqual(['data']);
    expect(bigger.others.reattach.map((r) => r.name)).toEqual(['data']);

    expect(() => planOf(stack, all, RAN, v2, withBoth('s-1vcpu-1gb', 'redis:7'))).toThrow(
      /The container app changes, and Overcast does not change containers in place/,
    );
  });
});
