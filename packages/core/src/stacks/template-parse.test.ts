// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}, not JavaScript
import { describe, expect, it } from 'vitest';
import { resolveInputs } from './inputs';
import { substitute } from './references';
import { parseTemplate } from './template-parse';

const GOOD = `description: Two web servers and a database
inputs:
  cloud:
    type: string
  size:
    type: choice
    allowed: [small, large]
    default: small
  password:
    type: secret
resources:
  machines:
    web:
      cloud: \${inputs.cloud}
      size: \${inputs.size}
      image: ubuntu-24.04
      location: nyc1
      count: 2
      tags:
        role: web
    db:
      cloud: \${inputs.cloud}
      size: small
      image: ubuntu-24.04
      location: nyc1
steps:
  database:
    on: [db]
    script: echo ready
    env:
      PASSWORD: \${inputs.password}
  app:
    on: [web]
    after: [database]
    script: echo "$DB"
    env:
      DB: \${machines.db.address}
      READY: \${steps.database.output}
outputs:
  url: http://\${machines.web.address}/
`;

const problems = (source: string) => {
  const parsed = parseTemplate(source);
  return parsed.ok ? [] : parsed.problems;
};

describe('parseTemplate', () => {
  it('reads a good template', () => {
    const parsed = parseTemplate(GOOD);
    expect(parsed.problems).toEqual([]);
    expect(parsed.ok && Object.keys(parsed.document.resources.machines ?? {})).toEqual(['web', 'db']);
  });

  it('names the line and field of a wrong type', () => {
    const source = GOOD.replace('count: 2', 'count: many');
    expect(problems(source)).toContainEqual(
      expect.objectContaining({ line: 18, field: 'resources.machines.web.count' }),
    );
  });

  it('names the line of an unknown field and of a missing one', () => {
    const unknown = problems(
      GOOD.replace('      location: nyc1\n      count', '      locaton: nyc1\n      count'),
    );
    expect(unknown.map((p) => p.field)).toContain('resources.machines.web.locaton');
    expect(unknown.find((p) => p.field === 'resources.machines.web.locaton')?.line).toBe(17);
    expect(unknown.map((p) => p.field)).toContain('resources.machines.web.location');
  });

  it('refuses a step that names an unknown machine or step, and circles of after', () => {
    expect(problems(GOOD.replace('on: [web]', 'on: [wbe]'))).toContainEqual(
      expect.objectContaining({
        field: 'steps.app.on.0',
        line: 33,
        column: 10,
        message: expect.stringContaining('wbe'),
      }),
    );
    expect(problems(GOOD.replace('after: [database]', 'after: [nothing]'))).toContainEqual(
      expect.objectContaining({ field: 'steps.app.after.0', message: 'No step is named nothing.' }),
    );
    const circle = GOOD.replace('  database:\n    on: [db]', '  database:\n    after: [app]\n    on: [db]');
    expect(problems(circle)).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('circle') }),
    );
  });

  it('refuses references to unknown things, later steps, and secrets outside env', () => {
    expect(problems(GOOD.replace('${inputs.size}', '${inputs.sise}'))[0]).toMatchObject({
      field: 'resources.machines.web.size',
      line: 15,
    });
    const notAfter = GOOD.replace('    after: [database]\n', '');
    expect(problems(notAfter)[0]?.message).toContain('does not come after database');
    expect(problems(GOOD.replace('role: web', 'role: ${inputs.password}'))[0]?.message).toContain('secret');
    expect(problems(GOOD.replace('role: web', 'role: ${machines.db.address}'))[0]?.message).toContain(
      'only use inputs',
    );
    expect(problems(GOOD.replace('role: web', 'role: ${process.env.HOME}'))[0]?.message).toContain(
      'is not a reference',
    );
  });

  it('checks defaults against their inputs', () => {
    expect(problems(GOOD.replace('default: small', 'default: huge'))[0]).toMatchObject({
      field: 'inputs.size.default',
      line: 8,
    });
    expect(problems(GOOD.replace('type: secret', 'type: secret\n    default: hunter2'))[0]?.field).toBe(
      'inputs.password.default',
    );
  });

  it('gives YAML syntax errors with their line', () => {
    const broken = problems('resources:\n  machines:\n    web: [unclosed\n');
    expect(broken[0]?.message).toMatch(/^YAML:/);
    expect(broken[0]?.line).toBeGreaterThanOrEqual(3);
    expect(problems('resources: 1\nresources: 2\n')[0]?.message).toMatch(/unique/i);
  });

  describe('hostile input', () => {
    it('refuses a huge document without parsing it', () => {
      const started = Date.now();
      expect(problems(`description: ${'x'.repeat(300_000)}`)[0]?.message).toContain('larger than');
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('refuses NUL bytes, naming where', () => {
      expect(problems('description: a\nresources:\0\n')[0]).toMatchObject({ line: 2, column: 11 });
    });

    it('survives deep nesting', () => {
      const deep = `resources: ${'['.repeat(50_000)}${']'.repeat(50_000)}`;
      expect(problems(deep).length).toBeGreaterThan(0);
      const indented = Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
      expect(problems(indented).length).toBeGreaterThan(0);
    });

    it('refuses billion-laughs aliases', () => {
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (const [prev, name] of [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'f'],
        ['f', 'g'],
      ])
        lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
      expect(problems(lines.join('\n'))[0]?.message).toContain('aliases');
    });

    it('answers a list, a scalar or an empty document with a problem, not an exception', () => {
      for (const source of ['- a\n- b\n', '42', '', '~', '__proto__: {}\nresources: {machines: {}}'])
        expect(problems(source).length).toBeGreaterThan(0);
    });

    it('keeps the number of problems small', () => {
      const many = Array.from({ length: 500 }, (_, i) => `x${i}: 1`).join('\n');
      expect(problems(many).length).toBeLessThanOrEqual(50);
    });
  });
});

describe('ansible steps', () => {
  // Lines 27-31 of GOOD hold the database step; the ansible one replaces it in place.
  const withStep = (step: string) =>
    GOOD.replace(
      '  database:\n    on: [db]\n    script: echo ready\n    env:\n      PASSWORD: ${inputs.password}\n',
      step,
    );
  const playbookStep = (playbook: string, extra = '') =>
    withStep(
      `  database:\n    on: [db]\n    kind: ansible\n${extra}    env:\n      PASSWORD: \${inputs.password}\n    playbook: |\n${playbook
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}\n`,
    );

  it('reads a playbook step with requirements', () => {
    const parsed = parseTemplate(
      playbookStep(
        '- hosts: all\n  tasks:\n    - ansible.builtin.ping:',
        '    requirements: |\n      collections:\n        - community.general\n',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.ok && parsed.document.steps?.database).toMatchObject({ kind: 'ansible' });
  });

  it('asks for the playbook of an ansible step and the script of the others, on their lines', () => {
    const noPlaybook = problems(withStep('  database:\n    on: [db]\n    kind: ansible\n    script: echo\n'));
    expect(noPlaybook).toContainEqual(
      expect.objectContaining({ line: 27, field: 'steps.database.playbook' }),
    );
    expect(noPlaybook).toContainEqual(
      expect.objectContaining({ line: 30, field: 'steps.database.script', message: 'Unexpected property' }),
    );
    expect(problems(withStep('  database:\n    on: [db]\n'))).toContainEqual(
      expect.objectContaining({
        line: 27,
        field: 'steps.database.script',
        message: 'Expected required property',
      }),
    );
    expect(
      problems(withStep('  database:\n    on: [db]\n    kind: ansible\n    playbook: x\n    script: y\n')),
    ).not.toContainEqual(expect.objectContaining({ message: 'Expected union value' }));
    expect(problems(withStep('  database:\n    on: [db]\n    kind: puppet\n    script: x\n'))).toEqual([
      expect.objectContaining({
        line: 29,
        field: 'steps.database.kind',
        message: 'Expected one of: script, executable, ansible',
      }),
    ]);
  });

  it("names the template's line of a problem inside the playbook", () => {
    // The playbook starts on line 33: its third line (a play without hosts) is line 35.
    const [noHosts] = problems(playbookStep('- hosts: all\n  tasks: []\n- tasks: []'));
    expect(noHosts).toMatchObject({ line: 35, field: 'steps.database.playbook' });
    expect(noHosts?.message).toMatch(/^This play names no hosts/);
    const [yaml] = problems(playbookStep('- hosts: all\n  tasks:\n    - shell: "unclosed'));
    expect(yaml).toMatchObject({ field: 'steps.database.playbook' });
    expect(yaml?.line).toBeGreaterThanOrEqual(35);
    expect(problems(playbookStep('hosts: all'))[0]).toMatchObject({
      line: 33,
      message: expect.stringMatching(/list of plays/),
    });
  });

  it('refuses roles in the requirements and env names that are Ansible variables', () => {
    const roles = problems(
      playbookStep(
        '- hosts: all\n  tasks: []',
        '    requirements: |\n      roles:\n        - geerlingguy.docker\n',
      ),
    );
    expect(roles).toEqual([
      expect.objectContaining({
        field: 'steps.database.requirements',
        message: expect.stringMatching(/Roles are not installed/),
      }),
    ]);
    const connection = problems(
      playbookStep('- hosts: all\n  tasks: []').replace('PASSWORD:', 'ansible_ssh_common_args:'),
    );
    expect(connection).toEqual([
      expect.objectContaining({ field: 'steps.database.env.ansible_ssh_common_args', line: 31 }),
    ]);
  });
});

describe('resolveInputs', () => {
  const parsed = parseTemplate(GOOD);
  if (!parsed.ok) throw new Error('the fixture parses');
  const doc = parsed.document;

  it('fills defaults and checks choices, types and unknown names', () => {
    expect(resolveInputs(doc, { cloud: 'do', password: 's3cret' })).toEqual({
      cloud: 'do',
      size: 'small',
      password: 's3cret',
    });
    expect(() => resolveInputs(doc, { cloud: 'do', password: 'x', size: 'huge' })).toThrow(
      /one of small, large/,
    );
    expect(() => resolveInputs(doc, { cloud: 'do' })).toThrow(/password needs a value/);
    expect(() => resolveInputs(doc, { cloud: 'do', password: 'x', extra: 1 })).toThrow(/no input extra/);
    expect(() => resolveInputs(doc, { cloud: { $ne: 1 }, password: 'x' })).toThrow(/is text/);
    expect(() => resolveInputs(doc, { cloud: 'a\0b', password: 'x' })).toThrow(/NUL/);
  });
});

// A machine with a volume on each instance and a container after a step.
const RESOURCES = `inputs:
  cloud:
    type: string
  engine:
    type: string
  token:
    type: secret
resources:
  machines:
    web:
      cloud: \${inputs.cloud}
      size: s-1vcpu-1gb
      image: ubuntu-24.04
      location: nyc1
      count: 2
  volumes:
    data:
      size: 10
      attach: web
  containers:
    app:
      cloud: \${inputs.engine}
      image: nginx:1.27
      ports: ["8080:80"]
      after: [mount]
      env:
        DISK: \${volumes.data.id}
        WEB: \${machines.web.addresses}
        TOKEN: \${inputs.token}
        MOUNTED: \${steps.mount.output}
steps:
  mount:
    on: [web]
    env:
      DISKS: \${volumes.data.ids}
    script: echo "$DISKS"
`;

describe('volumes and containers', () => {
  it('reads a template with both', () => {
    const parsed = parseTemplate(RESOURCES);
    expect(parsed.problems).toEqual([]);
    expect(parsed.ok && parsed.document.resources.volumes?.data).toEqual({ size: 10, attach: 'web' });
  });

  it('names the line of a volume attached to a machine the template lacks', () => {
    expect(problems(RESOURCES.replace('attach: web', 'attach: wbe'))).toEqual([
      {
        line: 19,
        column: 15,
        field: 'resources.volumes.data.attach',
        message: 'No machine is named wbe; a volume attaches to one of web.',
      },
    ]);
  });

  it('names the line of a container after an unknown step, or using a step it does not come after', () => {
    expect(problems(RESOURCES.replace('after: [mount]', 'after: [mnt]'))).toContainEqual(
      expect.objectContaining({
        line: 25,
        field: 'resources.containers.app.after.0',
        message: 'No step is named mnt.',
      }),
    );
    const early = problems(RESOURCES.replace('      after: [mount]\n', ''));
    expect(early).toEqual([
      expect.objectContaining({
        line: 29,
        field: 'resources.containers.app.env.MOUNTED',
        message: '${steps.mount.output}: this does not come after mount; add it to after.',
      }),
    ]);
  });

  it('refuses a volume without a size, a name given twice, unknown volumes and references in fixed fields', () => {
    const sizeless = problems(RESOURCES.replace('      size: 10\n', ''));
    expect(sizeless).toContainEqual(
      expect.objectContaining({
        line: 17,
        field: 'resources.volumes.data.size',
        message: 'Expected required property',
      }),
    );
    expect(problems(RESOURCES.replace('    app:\n', '    data:\n'))).toContainEqual(
      expect.objectContaining({
        field: 'resources.containers.data',
        message:
          'data is already a volume; resources are named once across machines, volumes and containers.',
      }),
    );
    expect(problems(RESOURCES.replace('${volumes.data.ids}', '${volumes.logs.ids}'))[0]?.message).toBe(
      '${volumes.logs.ids}: no volume is named logs.',
    );
    expect(problems(RESOURCES.replace('image: nginx:1.27', 'image: ${steps.mount.output}'))[0]).toMatchObject(
      {
        field: 'resources.containers.app.image',
        message: "${steps.mount.output}: a resource's fields may only use inputs (and a container's env).",
      },
    );
    expect(problems(RESOURCES.replace('ports: ["8080:80"]', 'ports: 8080'))[0]?.field).toBe(
      'resources.containers.app.ports',
    );
  });

  it('needs a machine or a container, and lets a template have only containers', () => {
    const none = 'resources:\n  machines: {}\n';
    expect(problems(none)).toEqual([
      expect.objectContaining({
        line: 1,
        field: 'resources',
        message: 'A template makes at least one machine or container.',
      }),
    ]);
    const only = 'resources:\n  containers:\n    app:\n      cloud: engine\n      image: nginx:1.27\n';
    expect(problems(only)).toEqual([]);
  });
});

describe('substitute', () => {
  const values = {
    inputs: { cloud: 'do' },
    machines: { web: ['127.0.0.5', '127.0.0.6'] },
    volumes: { data: ['vol-1', 'vol-2'] },
    steps: { database: 'ok' },
  };

  it("gives a volume's provider id, or every instance's", () => {
    expect(substitute('${volumes.data.id}|${volumes.data.ids}', values)).toBe('vol-1|vol-1 vol-2');
  });

  it('replaces references and keeps $${ literal', () => {
    expect(
      substitute('${machines.web.address} ${machines.web.addresses} ${steps.database.output} $${x}', values),
    ).toBe('127.0.0.5 127.0.0.5 127.0.0.6 ok ${x}');
  });

  it('says which reference has no value', () => {
    expect(() => substitute('${machines.db.address}', values)).toThrow(
      '${machines.db.address} has no value yet',
    );
  });
});
