import { AUTHZ_ACTIONS, type AuthzAction, RESOURCE_KINDS, type ResourceKind } from '@overcast/contracts';
import type { Role } from '@overcast/db';

/** The lists live in contracts so the web shares them; new resource kinds are added there first. */
export { AUTHZ_ACTIONS, type AuthzAction, RESOURCE_KINDS, type ResourceKind };

/** Kinds created inside a cloud: their create checks name the cloud, so cloud-limited grants apply. */
export const CLOUD_SCOPED_KINDS: readonly ResourceKind[] = ['machines', 'volumes', 'networks'];

/** A policy may name one kind or action, or '*' for all of them. */
export type PolicyKind = ResourceKind | '*';
export type PolicyAction = AuthzAction | '*';

export const isResourceKind = (v: string): v is ResourceKind =>
  (RESOURCE_KINDS as readonly string[]).includes(v);
export const isAuthzAction = (v: string): v is AuthzAction =>
  (AUTHZ_ACTIONS as readonly string[]).includes(v);

const ALL: readonly AuthzAction[] = AUTHZ_ACTIONS;

/**
 * What a member may do when no team policy applies to them: the behaviour before teams existed.
 * Adding and removing clouds, and deleting SSH keys, stay with admins.
 */
const MEMBER_DEFAULTS: Record<ResourceKind, readonly AuthzAction[]> = {
  clouds: ['read', 'act'],
  machines: ALL,
  volumes: ALL,
  networks: ALL,
  keys: ['read', 'create', 'edit'],
  scripts: ALL,
  schedules: ALL,
  rules: ALL,
  templates: ALL,
  stacks: ALL,
};

/** The role's own answer, used when no team policy applies. Owners and admins may do everything. */
export function roleAllows(role: Role, kind: ResourceKind, action: AuthzAction): boolean {
  switch (role) {
    case 'owner':
    case 'admin':
      return true;
    case 'member':
      return MEMBER_DEFAULTS[kind].includes(action);
    case 'viewer':
      return action === 'read';
  }
}

/** Words for messages: "act on machines", "open a shell on machines". */
export const ACTION_WORDS: Record<AuthzAction, string> = {
  read: 'see',
  create: 'create',
  edit: 'change',
  delete: 'delete',
  act: 'run actions on',
  shell: 'open a shell on',
  run: 'run',
};

export const KIND_WORDS: Record<ResourceKind, string> = {
  clouds: 'clouds',
  machines: 'machines',
  volumes: 'volumes',
  networks: 'networks and firewalls',
  keys: 'SSH keys',
  scripts: 'scripts',
  schedules: 'schedules',
  rules: 'rules',
  templates: 'templates',
  stacks: 'stacks',
};

/** The singular noun for "X was not found". */
export const KIND_NOUN: Record<ResourceKind, string> = {
  clouds: 'Cloud',
  machines: 'Machine',
  volumes: 'Volume',
  networks: 'Network',
  keys: 'SSH key',
  scripts: 'Script',
  schedules: 'Schedule',
  rules: 'Rule',
  templates: 'Template',
  stacks: 'Stack',
};
