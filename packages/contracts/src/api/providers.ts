import { type Static, Type as T } from '@sinclair/typebox';

/** What a provider can do (ProviderFeatures), as the API serves it. */
export const ProviderFeaturesSchema = T.Object({
  create: T.Boolean(),
  resize: T.Boolean(),
  snapshots: T.Boolean(),
  clone: T.Boolean(),
  volumes: T.Boolean(),
  networks: T.Boolean(),
  /** Networks listed only, neither made nor deleted here (vCenter's portgroups). */
  readOnlyNetworks: T.Optional(T.Boolean()),
  subnets: T.Boolean(),
  firewalls: T.Boolean(),
  /** Firewalls are made for chosen machines and deleted here (POST and DELETE /firewalls). */
  firewallsMade: T.Boolean(),
  /** 'catalog': only the clouds whose service catalog names a DNS service. */
  dns: T.Union([T.Boolean(), T.Literal('catalog')]),
  console: T.Union([T.Literal('none'), T.Literal('graphical'), T.Literal('serial'), T.Literal('ticket')]),
  containers: T.Boolean(),
  shell: T.Union([T.Literal('ssh'), T.Literal('exec'), T.Literal('none')]),
  extraActions: T.Array(T.String()),
  rename: T.Optional(T.Boolean()),
});

/** A provider's descriptor: its module without the functions (see provider-module.ts). */
export const ProviderInfo = T.Object(
  {
    kind: T.String(),
    label: T.String(),
    mark: T.String(),
    background: T.String(),
    foreground: T.String(),
    credentials: T.Record(T.String(), T.Unknown(), {
      description: 'JSON Schema of the credentials; each field carries its form hints in `ui`',
    }),
    config: T.Record(T.String(), T.Unknown(), { description: 'JSON Schema of the config, with `ui` hints' }),
    endpoint: T.Object({ overridable: T.Boolean(), placeholder: T.Optional(T.String()) }),
    features: ProviderFeaturesSchema,
    pricing: T.Union([T.Literal('provider'), T.Literal('table'), T.Literal('none')]),
    docs: T.Optional(T.String()),
    help: T.Optional(T.Array(T.String())),
    titlePlaceholder: T.Optional(T.String()),
    machinesFromConfig: T.Optional(T.Boolean()),
    unbilledStates: T.Optional(
      T.Array(T.String(), {
        description: 'Raw states of a stopped machine whose compute is not billed (Azure: deallocated)',
      }),
    ),
  },
  { $id: 'ProviderInfo' },
);
export type ProviderInfo = Static<typeof ProviderInfo>;

export const ProviderList = T.Object({ items: T.Array(T.Ref(ProviderInfo)) });
