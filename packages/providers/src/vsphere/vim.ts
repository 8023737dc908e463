// A small client for vCenter's VI/JSON API (`/sdk/vim25/{release}`, vSphere 8.0 U1 and later):
// the managed objects of the vSphere Web Services API as JSON, for what the REST API lacks
// (snapshots, a VM's host, a host's hardware). A session from SessionManager's Login, sent back
// as `vmware-api-session-id`; methods ending in `_Task` answer a Task, polled at `Task/{id}/info`;
// faults are read by their `_typeName` and messages.

import { ProviderError, type ProviderErrorKind } from '@overcast/contracts';
import type { RawAnswer } from '../common/http-exchange';
import { type AuthHeaders, type PinnedCall, parseSuccess, retryAfterOf } from '../common/pinned-rest';
import type { PinnedAgent } from '../common/pinned-tls';
import { kindOfStatus, PROVIDER, SESSION_HEADER, VcSessionClient } from './client';
import type { VsphereConfig, VsphereCredentials } from './config';

/** The oldest release that has the VI/JSON API; later vCenters answer it too. */
export const VIM_RELEASE = '8.0.1.0';

export interface VimRequest extends PinnedCall {
  body?: unknown;
}

export interface MoRef {
  _typeName?: string;
  type: string;
  value: string;
}

interface Fault {
  _typeName?: unknown;
  faultMessage?: unknown;
  localizedMessage?: unknown;
  fault?: unknown;
}

/** vSphere's faults, as the kinds the rest of Overcast acts on; others by HTTP status. */
const KINDS: Record<string, ProviderErrorKind> = {
  NotAuthenticated: 'auth',
  InvalidLogin: 'auth',
  NoPermission: 'auth',
  ManagedObjectNotFound: 'not-found',
  InvalidState: 'conflict',
  InvalidPowerState: 'conflict',
  TaskInProgress: 'conflict',
  SnapshotLocked: 'conflict',
  ConcurrentAccess: 'conflict',
  FileLocked: 'conflict',
  InvalidArgument: 'invalid',
  InvalidRequest: 'invalid',
  InvalidName: 'invalid',
  DuplicateName: 'conflict',
  NotSupported: 'invalid',
  SnapshotDisabled: 'invalid',
  TooManySnapshotLevels: 'invalid',
  MethodNotFound: 'invalid',
  HostNotConnected: 'unavailable',
  HostCommunication: 'unavailable',
};

/** A fault's type and its words: its messages, or the localized message a task's error carries. */
export function faultWords(raw: unknown): { type: string | null; message: string } {
  const outer = (raw && typeof raw === 'object' ? raw : {}) as Fault;
  // A task's error is a LocalizedMethodFault wrapping the fault itself.
  const fault = (outer.fault && typeof outer.fault === 'object' ? outer.fault : outer) as Fault;
  const type = typeof fault._typeName === 'string' ? fault._typeName : null;
  const messages = Array.isArray(fault.faultMessage)
    ? fault.faultMessage
        .map((m) => (m && typeof m === 'object' ? (m as { message?: unknown }).message : null))
        .filter((m): m is string => typeof m === 'string' && m.trim() !== '')
    : [];
  const localized = typeof outer.localizedMessage === 'string' ? outer.localizedMessage.trim() : '';
  const message =
    localized ||
    messages.join(' ') ||
    (type ? `${PROVIDER} refused the request (${type})` : `${PROVIDER} refused the request`);
  return { type, message };
}

export function faultError(raw: unknown, status?: number, retryAfterMs?: number): ProviderError {
  const { type, message } = faultWords(raw);
  const kind = (type ? KINDS[type] : undefined) ?? (status ? kindOfStatus(status) : 'unavailable');
  return new ProviderError(kind, message, { status, code: type ?? undefined, retryAfterMs });
}

/** The VI/JSON root beside the REST one: `https://vcenter/api` -> `https://vcenter/sdk/vim25/8.0.1.0`. */
export function vimRoot(apiRoot: URL): URL {
  const url = new URL(apiRoot.href);
  url.pathname = `${url.pathname.replace(/\/api$/, '')}/sdk/vim25/${VIM_RELEASE}`;
  return url;
}

interface TaskInfo {
  state?: string;
  result?: unknown;
  error?: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class VimClient extends VcSessionClient<VimRequest> {
  constructor(
    root: URL,
    credentials: VsphereCredentials,
    private readonly config: VsphereConfig,
    /** The REST client's pinned connections: one certificate, checked once, for both APIs. */
    agent: PinnedAgent,
  ) {
    super(root, credentials, config, agent);
  }

  /** vCenter answers an expired session with the NotAuthenticated fault. */
  protected override expired(err: ProviderError): boolean {
    return super.expired(err) || err.options.code === 'NotAuthenticated';
  }

  protected async openSession(): Promise<string> {
    const answer = await this.exchangeJson('POST', '/SessionManager/SessionManager/Login', {
      body: { userName: this.credentials.username, password: this.credentials.password },
    });
    if (answer.status < 200 || answer.status >= 300) throw this.failure(answer);
    const id = answer.headers[SESSION_HEADER];
    return typeof id === 'string' ? id : '';
  }

  protected async call<T>(method: string, path: string, req: VimRequest, auth: AuthHeaders): Promise<T> {
    const answer = await this.exchangeJson(method, path, req, auth);
    if (answer.status < 200 || answer.status >= 300) throw this.failure(answer);
    return answer.text.trim() === '' ? (undefined as T) : parseSuccess<T>(PROVIDER, answer);
  }

  private exchangeJson(method: string, path: string, req: VimRequest, auth: AuthHeaders = {}) {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return this.send(
      method,
      new URL(this.root.href + path),
      auth,
      body === undefined ? undefined : { type: 'application/json', data: body },
      req.signal,
    );
  }

  private failure(answer: RawAnswer): ProviderError {
    if (answer.status === 429)
      return new ProviderError('throttled', `${PROVIDER} is throttling requests`, {
        status: 429,
        retryAfterMs: retryAfterOf(answer),
      });
    let body: unknown = null;
    try {
      body = answer.text.trim() ? JSON.parse(answer.text) : null;
    } catch {
      body = null;
    }
    return faultError(body, answer.status, retryAfterOf(answer));
  }

  /** A property of a managed object; null when vSphere leaves it unset. */
  async property<T>(type: string, id: string, name: string): Promise<T | null> {
    const value = await this.request<T | null | undefined>(
      'GET',
      `/${type}/${encodeURIComponent(id)}/${name}`,
    );
    return value ?? null;
  }

  /** Invokes a `_Task` method and waits for its task to end well; its result. */
  async runTask(type: string, id: string, method: string, body: unknown): Promise<unknown> {
    const task = await this.request<MoRef | null>('POST', `/${type}/${encodeURIComponent(id)}/${method}`, {
      body,
      idempotent: false,
    });
    if (task?.type !== 'Task' || typeof task.value !== 'string')
      throw new ProviderError('unavailable', `${PROVIDER} answered ${method} without a task`);
    const deadline = Date.now() + this.config.taskTimeoutMs;
    for (;;) {
      const info = await this.property<TaskInfo>('Task', task.value, 'info');
      if (info?.state === 'success') return info.result;
      if (info?.state === 'error') throw faultError(info.error);
      if (Date.now() >= deadline)
        throw new ProviderError(
          'unavailable',
          `${PROVIDER} task ${task.value} (${method}) still runs after ${Math.round(this.config.taskTimeoutMs / 1000)} s; it may yet finish.`,
        );
      await sleep(Math.min(this.config.taskPollMs, Math.max(1, deadline - Date.now())));
    }
  }
}
