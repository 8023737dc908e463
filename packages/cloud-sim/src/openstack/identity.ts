// Keystone v3 as the emulator keeps it: domains, users with their project roles, application
// credentials, and the tokens handed out. Refusals are Keystone's: a wrong password, user,
// domain or project is a 401 that says no more.

import { randomBytes, randomUUID } from 'node:crypto';
import { isObject } from '../common/token-api';
import { OsError } from './errors';

export interface SimDomain {
  id: string;
  name: string;
}

export interface SimProjectRef {
  id: string;
  name: string;
  domain: SimDomain;
}

export interface SimUser {
  id: string;
  name: string;
  domain: SimDomain;
  password: string;
  /** Ids of the projects the user holds a role on. */
  projects: Set<string>;
}

export interface SimAppCredential {
  id: string;
  name: string;
  secret: string;
  userId: string;
  projectId: string;
}

export interface SimToken {
  id: string;
  userId: string;
  projectId: string;
  expiresAt: number;
  methods: string[];
}

const unauthorized = () =>
  new OsError(401, 'error', 'The request you have made requires authentication.', 'Unauthorized');
const badRequest = (message: string) => new OsError(400, 'error', message, 'Bad Request');

export class Identity {
  readonly domains = new Map<string, SimDomain>();
  readonly projects = new Map<string, SimProjectRef>();
  readonly users = new Map<string, SimUser>();
  readonly appCredentials = new Map<string, SimAppCredential>();
  readonly tokens = new Map<string, SimToken>();

  constructor(private readonly tokenTtlMs: number) {
    this.domains.set('default', { id: 'default', name: 'Default' });
  }

  domainByName(name: string): SimDomain {
    const found = [...this.domains.values()].find((d) => d.name === name);
    if (found) return found;
    const domain = { id: randomUUID().replace(/-/g, ''), name };
    this.domains.set(domain.id, domain);
    return domain;
  }

  private domainRef(raw: unknown): SimDomain | undefined {
    if (!isObject(raw)) return undefined;
    if (typeof raw.id === 'string') return this.domains.get(raw.id);
    if (typeof raw.name === 'string') return [...this.domains.values()].find((d) => d.name === raw.name);
    return undefined;
  }

  private userRef(raw: unknown): SimUser | undefined {
    if (!isObject(raw)) return undefined;
    if (typeof raw.id === 'string') return this.users.get(raw.id);
    if (typeof raw.name !== 'string') return undefined;
    if (raw.domain === undefined)
      throw badRequest(
        'Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    const domain = this.domainRef(raw.domain);
    return [...this.users.values()].find((u) => u.name === raw.name && u.domain === domain);
  }

  private projectRef(raw: unknown): SimProjectRef | undefined {
    if (!isObject(raw)) return undefined;
    if (typeof raw.id === 'string') return this.projects.get(raw.id);
    if (typeof raw.name !== 'string') return undefined;
    if (raw.domain === undefined)
      throw badRequest(
        'Expecting to find domain in project. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    const domain = this.domainRef(raw.domain);
    return [...this.projects.values()].find((p) => p.name === raw.name && p.domain === domain);
  }

  /** POST /v3/auth/tokens: a project-scoped token, or Keystone's refusal. */
  issue(body: unknown): SimToken {
    const auth = isObject(body) ? body.auth : undefined;
    const identity = isObject(auth) ? auth.identity : undefined;
    if (!isObject(identity) || !Array.isArray(identity.methods) || identity.methods.length === 0)
      throw badRequest("Invalid input for field 'identity': 'methods' is a required property");
    const methods = identity.methods as unknown[];
    let user: SimUser | undefined;
    let project: SimProjectRef | undefined;
    if (methods.includes('application_credential')) {
      const raw = identity.application_credential;
      if (!isObject(raw) || typeof raw.secret !== 'string')
        throw badRequest(
          "Invalid input for field 'identity/application_credential': 'secret' is a required property",
        );
      const byId = typeof raw.id === 'string' ? this.appCredentials.get(raw.id) : undefined;
      const owner = raw.user === undefined ? undefined : this.userRef(raw.user);
      const credential =
        byId ??
        [...this.appCredentials.values()].find(
          (c) => c.name === raw.name && owner !== undefined && c.userId === owner.id,
        );
      if (!credential || credential.secret !== raw.secret) throw unauthorized();
      user = this.users.get(credential.userId);
      project = this.projects.get(credential.projectId);
      if (isObject(auth) && auth.scope !== undefined)
        throw new OsError(401, 'error', 'Application credentials cannot request a scope.', 'Unauthorized');
    } else if (methods.includes('password')) {
      const raw = isObject(identity.password) ? identity.password.user : undefined;
      user = this.userRef(raw);
      if (!user || !isObject(raw) || raw.password !== user.password) throw unauthorized();
      const scope = isObject(auth) ? auth.scope : undefined;
      if (isObject(scope)) {
        project = this.projectRef(scope.project);
        if (!project || !user.projects.has(project.id)) throw unauthorized();
      }
    } else {
      throw new OsError(
        401,
        'error',
        'Attempted to authenticate with an unsupported method.',
        'Unauthorized',
      );
    }
    if (!user || !project)
      // An unscoped token: valid, but with no catalog and no project (what the driver refuses).
      return this.keep({
        id: randomBytes(24).toString('hex'),
        userId: user?.id ?? '',
        projectId: '',
        expiresAt: Date.now() + this.tokenTtlMs,
        methods: methods.map(String),
      });
    return this.keep({
      id: `gAAAA${randomBytes(48).toString('base64url')}`,
      userId: user.id,
      projectId: project.id,
      expiresAt: Date.now() + this.tokenTtlMs,
      methods: methods.map(String),
    });
  }

  private keep(token: SimToken): SimToken {
    this.tokens.set(token.id, token);
    return token;
  }

  /** The valid, project-scoped token behind an X-Auth-Token. */
  check(raw: string | undefined): SimToken {
    const token = raw ? this.tokens.get(raw) : undefined;
    if (!token || token.expiresAt <= Date.now() || token.projectId === '') throw unauthorized();
    return token;
  }

  /** Revokes every token (a password change, an operator's purge): clients must authenticate again. */
  revokeAll(): void {
    this.tokens.clear();
  }
}
