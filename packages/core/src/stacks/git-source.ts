import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_MAX_BYTES } from '@overcast/contracts';
import git, { Errors, type GitHttpRequest, type GitHttpResponse, type HttpClient } from 'isomorphic-git';
import { DomainError } from '../errors';
import { ANSWER_TOO_LARGE, guardedRequest, type OutboundRules } from '../outbound';

// One file read from a Git repository at a ref, with the commit it was read at. Pure JS (no git
// binary): a shallow fetch of the one ref into a temporary directory, removed afterwards. Every
// request goes through the outbound guard, as a webhook's would.

export interface GitFileRequest {
  url: string;
  /** Branch, tag or full commit id; null or undefined: the remote HEAD. */
  ref?: string | null;
  path: string;
  token?: string | null;
}

export interface GitFile {
  commit: string;
  source: string;
}

export interface GitLimits {
  /** The whole fetch, from the first request to the file read. */
  timeoutMs: number;
  /** The largest answer read from the server (the pack is one answer). */
  maxPackBytes: number;
}

export const GIT_LIMITS: GitLimits = { timeoutMs: 30_000, maxPackBytes: 32 * 1024 * 1024 };

const pathRefused = (message: string) =>
  new DomainError(
    'invalid',
    'git_path_invalid',
    `${message} Give the path from the repository root, such as templates/web.yaml.`,
    'body.path',
  );

/** Refuses a path that is not a plain relative path inside the repository. */
export function checkGitPath(path: string): void {
  if (path.includes('\0')) throw pathRefused('The path holds a NUL byte.');
  if (path.includes('\\')) throw pathRefused('The path holds a backslash; Git paths use /.');
  if (path.startsWith('/')) throw pathRefused(`"${path}" is absolute.`);
  const parts = path.split('/');
  if (parts.some((p) => p === '..')) throw pathRefused(`"${path}" climbs out with "..".`);
  if (parts.some((p) => p === '' || p === '.' || p === '.git'))
    throw pathRefused(`"${path}" has an empty, "." or ".git" part.`);
}

const FULL_COMMIT = /^[0-9a-f]{40}$/;

/** Reads `path` at `ref`; every failure is a DomainError in plain words. */
export async function readGitFile(
  req: GitFileRequest,
  rules: OutboundRules,
  limits: GitLimits = GIT_LIMITS,
): Promise<GitFile> {
  checkGitPath(req.path);
  const gitdir = await mkdtemp(join(tmpdir(), 'overcast-git-'));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), limits.timeoutMs);
  try {
    await git.init({ fs, gitdir, bare: true });
    // The fetch writes the remote's refs by the remote's refspec, so it needs one.
    await git.addRemote({ fs, gitdir, remote: 'origin', url: req.url });
    const ref = req.ref ?? 'HEAD';
    const { fetchHead } = await git.fetch({
      fs,
      gitdir,
      http: guardedGitHttp(rules, abort.signal, limits.maxPackBytes),
      url: req.url,
      ref,
      singleBranch: true,
      depth: 1,
      tags: false,
      onAuth: req.token ? () => ({ username: 'x-access-token', password: req.token! }) : undefined,
      // A refused token is not asked again: the fetch fails with the server's 401.
      onAuthFailure: () => ({ cancel: true }),
    });
    if (!fetchHead) throw refNotFound(ref);
    // An annotated tag is peeled to its commit.
    const { oid: commit } = await git.readCommit({ fs, gitdir, oid: fetchHead });
    const { blob } = await git.readBlob({ fs, gitdir, oid: commit, filepath: req.path });
    return { commit, source: textOf(blob, req.path, commit) };
  } catch (err) {
    throw gitError(err, req, abort.signal.aborted, limits);
  } finally {
    clearTimeout(timer);
    await rm(gitdir, { recursive: true, force: true });
  }
}

function textOf(blob: Uint8Array, path: string, commit: string): string {
  const unreadable = (why: string) =>
    new DomainError(
      'invalid',
      'git_file_unreadable',
      `${path} at ${commit.slice(0, 12)} ${why}.`,
      'body.path',
    );
  if (blob.length > TEMPLATE_MAX_BYTES)
    throw unreadable(`is ${blob.length} bytes; a template may have ${TEMPLATE_MAX_BYTES} at most`);
  if (blob.includes(0)) throw unreadable('is a binary file, not a YAML template');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(blob);
  } catch {
    throw unreadable('is not UTF-8 text');
  }
}

const refNotFound = (ref: string) =>
  new DomainError(
    'invalid',
    'git_ref_not_found',
    ref === 'HEAD'
      ? 'The repository has no HEAD (it may be empty). Give a branch, tag or commit.'
      : `The repository has no branch, tag or commit "${ref}". Check its spelling; a commit must be given as its full 40-character id.`,
    'body.ref',
  );

function gitError(err: unknown, req: GitFileRequest, timedOut: boolean, limits: GitLimits): DomainError {
  if (err instanceof DomainError) return err;
  const repo = req.url;
  if (timedOut)
    return new DomainError(
      'provider_timeout',
      'git_timeout',
      `${repo} did not answer within ${limits.timeoutMs / 1000} seconds. Try again later.`,
    );
  const code = (err as { code?: string }).code;
  const cause = (err as { cause?: { code?: string } }).cause;
  if (code === ANSWER_TOO_LARGE || cause?.code === ANSWER_TOO_LARGE)
    return new DomainError(
      'provider_refused',
      'git_repository_too_large',
      `Fetching ${req.path} from ${repo} needs more than ${limits.maxPackBytes / 1024 / 1024} MiB; keep templates in a smaller repository.`,
    );
  // A refused token ends in the cancel onAuthFailure asks for.
  if (err instanceof Errors.UserCanceledError)
    return new DomainError(
      'provider_refused',
      'git_auth_failed',
      `${repo} refused the token. Give a token that may read the repository.`,
      'body.token',
    );
  if (err instanceof Errors.HttpError) {
    const status = err.data.statusCode;
    if (status === 401 || status === 403)
      return new DomainError(
        'provider_refused',
        'git_auth_failed',
        req.token
          ? `${repo} refused the token (HTTP ${status}). Give a token that may read the repository.`
          : `${repo} asks for credentials (HTTP ${status}). Give a token that may read it.`,
        'body.token',
      );
    return new DomainError(
      'provider_failed',
      'git_unreachable',
      `${repo} answered HTTP ${status} ${err.data.statusMessage}`.trim() +
        ' instead of a Git repository. Check the URL (the address you would give to git clone).',
      'body.url',
    );
  }
  if (err instanceof Errors.NotFoundError) {
    // Raised for the ref before the fetch, and for the file (or a folder on its way) after it.
    const what = String(err.data.what ?? '');
    if (what === (req.ref ?? 'HEAD')) return refNotFound(what);
    return new DomainError(
      'invalid',
      'git_file_not_found',
      `${repo} has no file ${req.path} at that commit. Check the path (from the repository root) and the ref.`,
      'body.path',
    );
  }
  if (err instanceof Errors.ObjectTypeError)
    return new DomainError(
      'invalid',
      'git_file_not_found',
      `${req.path} is a folder, not a file.`,
      'body.path',
    );
  // A commit id the server will not send (not in the repository, or not a branch or tag tip on a
  // server that only sends those).
  const message = (err as Error)?.message ?? String(err);
  if (req.ref && FULL_COMMIT.test(req.ref) && /not our ref|unadvertised|upload-pack/i.test(message))
    return refNotFound(req.ref);
  return new DomainError(
    'provider_failed',
    'git_unreachable',
    `${repo} could not be read as a Git repository: ${message}. Check the URL and that the server is up.`,
    'body.url',
  );
}

/** isomorphic-git's HTTP client, through the outbound guard, without redirects, bounded in size. */
function guardedGitHttp(rules: OutboundRules, signal: AbortSignal, maxBytes: number): HttpClient {
  return {
    async request({ url, method, headers, body }: GitHttpRequest): Promise<GitHttpResponse> {
      const payload = body ? Buffer.concat(await collect(body)) : undefined;
      const res = await guardedRequest(
        url,
        { method: method ?? 'GET', headers, body: payload, signal, maxBytes },
        { purpose: 'git_repository', rules },
      );
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      return {
        url,
        method,
        statusCode: res.status,
        statusMessage: '',
        headers: flat,
        body: (async function* () {
          yield new Uint8Array(res.body);
        })(),
      };
    },
  };
}

async function collect(body: AsyncIterableIterator<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return parts;
}
