// Plain lists, no schema runtime, so the web app can import them without bundling TypeBox.

/** What team policies can be about; a new kind of resource is added here first. */
export const RESOURCE_KINDS = [
  'clouds',
  'machines',
  'volumes',
  'networks',
  'keys',
  'scripts',
  'schedules',
  'rules',
  'templates',
  'stacks',
] as const;
/** `act`: start/stop/reboot, attach, refresh; `shell`: open a terminal; `run`: run scripts. */
export const AUTHZ_ACTIONS = ['read', 'create', 'edit', 'delete', 'act', 'shell', 'run'] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export type AuthzAction = (typeof AUTHZ_ACTIONS)[number];
