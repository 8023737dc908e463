// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates refer to values as ${...}, not JavaScript
import { type Static, Type as T } from '@sinclair/typebox';
import { IsoDateTime, Strict, Uuid } from './common';

// Templates (parameterized YAML documents) and the stacks deployed from them.

/** Names of inputs, machines and steps: usable in `${...}` references and as environment names. */
export const TEMPLATE_NAME_PATTERN = '^[a-z][a-z0-9_-]{0,39}$';
const LocalName = T.String({ pattern: TEMPLATE_NAME_PATTERN });

/** The largest template source accepted, in bytes (parsed, stored and shown whole). */
export const TEMPLATE_MAX_BYTES = 262_144;

/** A text value that may hold `${inputs.x}` (and, where said, other) references. */
const Text = (maxLength: number, description?: string) =>
  T.String({ maxLength, ...(description ? { description } : {}) });

export const TemplateInputType = T.Union(
  [T.Literal('string'), T.Literal('number'), T.Literal('boolean'), T.Literal('choice'), T.Literal('secret')],
  { description: 'secret: kept encrypted, never shown again, and never given a default' },
);

const Scalar = T.Union([T.String({ maxLength: 4096 }), T.Number(), T.Boolean()]);

export const TemplateInput = Strict({
  type: TemplateInputType,
  description: T.Optional(T.String({ maxLength: 500 })),
  default: T.Optional(Scalar),
  allowed: T.Optional(
    T.Array(T.Union([T.String({ maxLength: 256 }), T.Number()]), {
      minItems: 1,
      maxItems: 100,
      description: 'The values a choice input takes',
    }),
  ),
  required: T.Optional(T.Boolean({ description: 'Without a default, a value must be given (the default)' })),
});
export type TemplateInput = Static<typeof TemplateInput>;

export const TemplateMachine = Strict({
  cloud: Text(200, 'The cloud, by title or id; usually ${inputs.cloud}'),
  size: Text(200),
  image: Text(500),
  location: Text(200),
  key: T.Optional(Text(200, 'An SSH key of the organization, by name or id')),
  tags: T.Optional(T.Record(T.String({ minLength: 1, maxLength: 128 }), Text(256), { maxProperties: 50 })),
  count: T.Optional(T.Integer({ minimum: 1, maximum: 50, default: 1 })),
  expiration: T.Optional(
    Strict({
      after: T.String({
        pattern: '^[1-9][0-9]{0,4}(h|d)$',
        description: 'How long after creation, e.g. 12h or 7d',
      }),
      action: T.Union([T.Literal('stop'), T.Literal('destroy')]),
    }),
  ),
});
export type TemplateMachine = Static<typeof TemplateMachine>;

export const TemplateVolume = Strict({
  cloud: T.Optional(
    Text(
      200,
      "The cloud, by title or id; by default the machine's it attaches to (a volume stays in its cloud)",
    ),
  ),
  size: T.Integer({ minimum: 1, maximum: 65_536, description: 'GiB' }),
  name: T.Optional(
    Text(
      64,
      'Its name at the provider (the instance number is added when the machine has a count); default <stack>-<resource>',
    ),
  ),
  attach: T.String({
    pattern: TEMPLATE_NAME_PATTERN,
    description: 'The machine resource it attaches to: one volume per instance, before any step on it runs',
  }),
});
export type TemplateVolume = Static<typeof TemplateVolume>;

export const TemplateContainer = Strict({
  cloud: Text(200, 'A container host (a Docker cloud), by title or id'),
  image: Text(512, 'e.g. nginx:1.27'),
  name: T.Optional(Text(128, 'The container name; default <stack>-<resource>')),
  ports: T.Optional(T.Array(Text(64, '8080:80, 127.0.0.1:8080:80/udp or 80'), { maxItems: 64 })),
  env: T.Optional(
    T.Record(T.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Text(32_768), {
      maxProperties: 50,
      description:
        'Environment of the container: ${inputs.x}, ${machines.m.address(es)}, ${volumes.v.id(s)} and ${steps.s.output} of steps it comes after',
    }),
  ),
  command: T.Optional(T.Array(Text(4096), { maxItems: 64, description: "Overrides the image's CMD" })),
  tags: T.Optional(T.Record(T.String({ minLength: 1, maxLength: 128 }), Text(256), { maxProperties: 50 })),
  after: T.Optional(
    T.Array(LocalName, { maxItems: 50, description: 'Steps that must succeed before it is made' }),
  ),
});
export type TemplateContainer = Static<typeof TemplateContainer>;

/** What every step has, whatever runs it. */
const stepCommon = {
  on: T.Array(LocalName, { minItems: 1, maxItems: 50, description: 'Machines (resource names) it runs on' }),
  after: T.Optional(T.Array(LocalName, { maxItems: 50, description: 'Steps that must succeed first' })),
  timeoutSeconds: T.Optional(T.Integer({ minimum: 1, maximum: 86_400 })),
};

const stepEnv = (reaches: string) =>
  T.Optional(
    T.Record(T.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Text(65_536), {
      maxProperties: 50,
      description: `${reaches}: \${inputs.x}, \${machines.m.address}, \${machines.m.addresses}, \${volumes.v.id}, \${volumes.v.ids} and \${steps.s.output} of steps it comes after`,
    }),
  );

export const TemplateScriptStep = Strict({
  ...stepCommon,
  kind: T.Optional(
    T.Union([T.Literal('script'), T.Literal('executable')], {
      description: 'script: run by /bin/sh (the default); executable: its shebang picks the interpreter',
    }),
  ),
  script: T.String({ minLength: 1, maxLength: 65_536, description: 'Sent as written; values come in env' }),
  env: stepEnv('Environment of the script'),
});
export type TemplateScriptStep = Static<typeof TemplateScriptStep>;

export const TemplateAnsibleStep = Strict({
  ...stepCommon,
  kind: T.Literal('ansible', {
    description:
      "ansible: the worker runs the playbook with ansible-playbook against all the step's machines",
  }),
  playbook: T.String({
    minLength: 1,
    maxLength: 65_536,
    description: 'A list of plays ("- hosts: all"); values come in env. Only owners and admins save one.',
  }),
  requirements: T.Optional(
    T.String({
      maxLength: 65_536,
      description:
        "A requirements file naming collections; each must already be installed with the worker's Ansible",
    }),
  ),
  env: stepEnv('Extra variables of the playbook, never templated by Ansible'),
});
export type TemplateAnsibleStep = Static<typeof TemplateAnsibleStep>;

/** A step: a script (the default kind) or an Ansible playbook, told apart by `kind`. */
export const TemplateStep = T.Union([TemplateScriptStep, TemplateAnsibleStep]);
export type TemplateStep = Static<typeof TemplateStep>;

export const TemplateDocument = Strict(
  {
    description: T.Optional(T.String({ maxLength: 2000 })),
    inputs: T.Optional(T.Record(LocalName, TemplateInput, { maxProperties: 50 })),
    resources: Strict(
      {
        machines: T.Optional(T.Record(LocalName, TemplateMachine, { maxProperties: 50 })),
        volumes: T.Optional(T.Record(LocalName, TemplateVolume, { maxProperties: 50 })),
        containers: T.Optional(T.Record(LocalName, TemplateContainer, { maxProperties: 50 })),
      },
      { description: 'At least one machine or container; names are unique across the three' },
    ),
    steps: T.Optional(T.Record(LocalName, TemplateStep, { maxProperties: 100 })),
    outputs: T.Optional(
      T.Record(LocalName, Text(2000, 'Addresses or URLs, e.g. http://${machines.lb.address}/'), {
        maxProperties: 50,
      }),
    ),
  },
  {
    title: 'Overcast template',
    description:
      'Machines on any cloud, their volumes, containers on Docker clouds, the steps that configure them, and what the stack offers.',
  },
);
export type TemplateDocument = Static<typeof TemplateDocument>;

/** One problem in a template source, where it is. */
export const TemplateProblem = T.Object({
  line: T.Integer({ minimum: 1 }),
  column: T.Integer({ minimum: 1 }),
  field: T.String({ description: 'The path in the document, e.g. resources.machines.web.size' }),
  message: T.String(),
});
export type TemplateProblem = Static<typeof TemplateProblem>;

export const TemplateSource = T.String({ minLength: 1, maxLength: TEMPLATE_MAX_BYTES });

export const ValidateTemplateRequest = Strict({ source: TemplateSource });
export type ValidateTemplateRequest = Static<typeof ValidateTemplateRequest>;

export const TemplateValidation = T.Object({
  valid: T.Boolean(),
  problems: T.Array(TemplateProblem),
});
export type TemplateValidation = Static<typeof TemplateValidation>;

const TemplateName = T.String({ minLength: 1, maxLength: 200 });

export const CreateTemplateRequest = Strict({
  name: TemplateName,
  source: TemplateSource,
});
export type CreateTemplateRequest = Static<typeof CreateTemplateRequest>;

export const UpdateTemplateRequest = Strict({
  name: T.Optional(TemplateName),
  source: T.Optional(TemplateSource),
});
export type UpdateTemplateRequest = Static<typeof UpdateTemplateRequest>;

// Templates imported from Git: read-only in Overcast, pinned to the commit each version was read at.

/** A repository over http(s) only: no ssh, no credentials in the URL (give a token instead). */
export const GitRepositoryUrl = T.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '^https?://[^\\s@]+$',
  description: 'https:// (or http://) address of the repository, as for `git clone`',
});
/** A branch, tag or full commit id, in the characters Git allows in ref names. */
export const GitRef = T.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^(?!-)(?!.*\\.\\.)(?!.*//)[A-Za-z0-9._/-]+(?<![/.])$',
  description: 'Branch, tag or full commit id; default: the remote HEAD',
});
export const GitFilePath = T.String({
  minLength: 1,
  maxLength: 500,
  description: 'The YAML file, relative to the repository root (no .., no leading /)',
});

const GitToken = (description: string) => T.String({ minLength: 1, maxLength: 1000, description });

export const ImportTemplateRequest = Strict({
  name: TemplateName,
  url: GitRepositoryUrl,
  ref: T.Optional(GitRef),
  path: GitFilePath,
  token: T.Optional(GitToken('For a private repository; stored encrypted and never returned')),
});
export type ImportTemplateRequest = Static<typeof ImportTemplateRequest>;

export const UpdateTemplateFromGitRequest = Strict({
  token: T.Optional(GitToken('Replaces the stored token once it has read the repository')),
});
export type UpdateTemplateFromGitRequest = Static<typeof UpdateTemplateFromGitRequest>;

/** Where a version's source was read. */
export const GitPin = T.Object({
  url: T.String(),
  commit: T.String({ description: 'The full commit id' }),
  path: T.String(),
});
export type GitPin = Static<typeof GitPin>;

export const TemplateGitSource = T.Object({
  url: T.String(),
  ref: T.Union([T.Null(), T.String()], { description: 'null: the remote HEAD' }),
  path: T.String(),
  commit: T.String({ description: "The current version's commit" }),
  hasToken: T.Boolean({ description: 'A token is stored (it is never returned)' }),
});
export type TemplateGitSource = Static<typeof TemplateGitSource>;

export const Template = T.Object({
  id: Uuid,
  name: T.String(),
  description: T.String(),
  version: T.Integer({ description: 'The current version' }),
  source: T.String({ description: "The current version's YAML" }),
  inputs: T.Record(T.String(), TemplateInput),
  changedBy: T.String({ description: 'Who saved the current version' }),
  git: T.Union([T.Null(), TemplateGitSource], {
    description: 'Set when imported from Git: the source is read-only and updated from there',
  }),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Template = Static<typeof Template>;

export const TemplateGitUpdate = T.Object({
  changed: T.Boolean({ description: 'A new version was made (the commit moved)' }),
  fromCommit: T.String(),
  toCommit: T.String(),
  template: Template,
});
export type TemplateGitUpdate = Static<typeof TemplateGitUpdate>;

export const TemplateList = T.Object({ items: T.Array(Template) });
export type TemplateList = Static<typeof TemplateList>;

export const TemplateVersion = T.Object({
  version: T.Integer(),
  source: T.String(),
  inputs: T.Record(T.String(), TemplateInput, { description: 'What a deploy of this version asks for' }),
  createdBy: T.String(),
  git: T.Union([T.Null(), GitPin]),
  createdAt: IsoDateTime,
});
export type TemplateVersion = Static<typeof TemplateVersion>;

export const TemplateVersionList = T.Object({ items: T.Array(TemplateVersion) });
export type TemplateVersionList = Static<typeof TemplateVersionList>;

/** A template Overcast ships, to start a new one from. */
export const GalleryTemplate = T.Object({
  name: T.String(),
  description: T.String(),
  source: T.String(),
});
export type GalleryTemplate = Static<typeof GalleryTemplate>;

export const TemplateGallery = T.Object({ items: T.Array(GalleryTemplate) });
export type TemplateGallery = Static<typeof TemplateGallery>;

// Stacks

const stackInputValues = (description: string) =>
  T.Record(T.String({ maxLength: 40 }), T.Union([T.String({ maxLength: 65_536 }), T.Number(), T.Boolean()]), {
    maxProperties: 50,
    description,
  });
const TemplateVersionNumber = T.Integer({ minimum: 1, description: 'Default: the current version' });

export const DeployStackRequest = Strict({
  name: T.String({
    minLength: 1,
    maxLength: 60,
    pattern: '^[a-z][a-z0-9-]*$',
    description: 'Machines are named after it',
  }),
  templateId: Uuid,
  version: T.Optional(TemplateVersionNumber),
  inputs: T.Optional(stackInputValues('Values of the template inputs; defaults fill the rest')),
});
export type DeployStackRequest = Static<typeof DeployStackRequest>;

export const UpdateStackRequest = Strict({
  version: T.Optional(TemplateVersionNumber),
  inputs: T.Optional(
    stackInputValues("Inputs to change; the others keep the stack's values (secrets included)"),
  ),
});
export type UpdateStackRequest = Static<typeof UpdateStackRequest>;

export const StackResourceKind = T.Union([T.Literal('machine'), T.Literal('volume'), T.Literal('container')]);
export type StackResourceKind = Static<typeof StackResourceKind>;

/** Volumes and containers an update adds or removes; one whose definition changes is refused. */
const ResourceChanges = (what: string) =>
  T.Object({
    add: T.Array(T.String(), { description: `${what} the update makes` }),
    remove: T.Array(T.String(), { description: `${what} destroyed once the update has finished` }),
    keep: T.Array(T.String()),
  });

export const StackPlan = T.Object({
  fromVersion: T.Integer(),
  toVersion: T.Integer(),
  machines: T.Object({
    add: T.Array(T.String(), { description: 'Machines the update makes' }),
    replace: T.Array(
      T.Object({
        name: T.String(),
        changes: T.Array(T.String({ description: 'e.g. "size: s-1vcpu-1gb → s-2vcpu-2gb"' })),
      }),
      { description: 'Machines made anew, the old one destroyed once the update has finished' },
    ),
    remove: T.Array(T.String(), { description: 'Machines destroyed once the update has finished' }),
    keep: T.Array(T.String()),
  }),
  volumes: ResourceChanges('Volumes'),
  containers: ResourceChanges('Containers'),
  steps: T.Object({
    run: T.Array(T.String(), {
      description: 'Steps that run again (changed, on changed machines, or after one that runs)',
    }),
    remove: T.Array(T.String()),
    keep: T.Array(T.String()),
  }),
  inputs: T.Array(T.String(), { description: 'Inputs whose values change' }),
  unchanged: T.Boolean({ description: 'Nothing would change' }),
});
export type StackPlan = Static<typeof StackPlan>;

export const StackResource = T.Object({
  id: Uuid,
  name: T.String({ description: 'The template resource, with the instance number when count > 1: web-2' }),
  kind: StackResourceKind,
  status: T.String({
    description:
      'pending | creating | created | attaching (a volume) | ready | failed | retiring | destroying | destroyed',
  }),
  cloudId: T.Union([T.Null(), Uuid]),
  machineId: T.Union([T.Null(), Uuid], { description: 'The machine, or the container, it made' }),
  externalId: T.Union([T.Null(), T.String()], { description: "A volume's id at its provider" }),
  attachedTo: T.Union([T.Null(), T.String()], {
    description: 'The machine (resource name) a volume attaches to',
  }),
  address: T.Union([T.Null(), T.String()]),
  error: T.Union([T.Null(), T.String()]),
});
export type StackResource = Static<typeof StackResource>;

export const StackStep = T.Object({
  id: Uuid,
  name: T.String(),
  status: T.String({ description: 'waiting | running | succeeded | failed' }),
  after: T.Array(T.String()),
  on: T.Array(T.String()),
  attempt: T.Integer(),
  scriptRunId: T.Union([T.Null(), Uuid]),
  output: T.String(),
  error: T.Union([T.Null(), T.String()]),
  startedAt: T.Union([T.Null(), IsoDateTime]),
  finishedAt: T.Union([T.Null(), IsoDateTime]),
});
export type StackStep = Static<typeof StackStep>;

export const Stack = T.Object({
  id: Uuid,
  name: T.String(),
  templateId: T.Union([T.Null(), Uuid]),
  templateVersion: T.Integer(),
  status: T.String({ description: 'deploying | deployed | failed | destroying | destroyed' }),
  error: T.Union([T.Null(), T.String()]),
  previousVersion: T.Union([T.Null(), T.Integer()], {
    description: 'The template version before the last update: what a rollback returns to',
  }),
  inputs: T.Record(T.String(), T.String(), { description: 'Secret inputs are left out' }),
  outputs: T.Record(T.String(), T.String()),
  createdBy: T.String(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  resources: T.Array(StackResource),
  steps: T.Array(StackStep),
});
export type Stack = Static<typeof Stack>;

export const StackList = T.Object({ items: T.Array(Stack) });
export type StackList = Static<typeof StackList>;

export const StackStepParams = Strict({ id: Uuid, step: LocalName });
