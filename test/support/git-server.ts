import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Real Git repositories served over smart HTTP on loopback: a node http server in front of
// `git http-backend` (CGI), as a Git host would serve them. Repositories whose name starts with
// "private-" answer 401 without the token as Basic auth password.

/** Git with no user or system configuration of this machine's. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export interface GitRepo {
  /** The clone URL. */
  url: string;
  /** Writes the files (null deletes one) and commits them on the current branch; the commit id. */
  commit(files: Record<string, string | null>, message?: string): string;
  /** Creates and checks out a branch from the current commit. */
  branch(name: string): void;
  checkout(name: string): void;
  /** A tag on the current commit; annotated when a message is given. */
  tag(name: string, message?: string): void;
}

export interface GitServer {
  readonly base: string;
  repo(name: string): GitRepo;
  /** Requests served, by path. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startGitServer(opts: { token?: string; host?: string } = {}): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'overcast-git-server-'));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = (req.url ?? '').split('/')[1] ?? '';
    if (name.startsWith('private-') && !authorized(req, opts.token)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    backend(root, req, res);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    repo: (name) => createRepo(join(root, name), `${base}/${name}`),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function authorized(req: IncomingMessage, token?: string): boolean {
  const header = req.headers.authorization ?? '';
  if (!token || !header.startsWith('Basic ')) return false;
  const [, password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return password === token;
}

/** One CGI run of git http-backend for the request. */
function backend(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://git');
  const child = spawn('git', ['http-backend'], {
    env: {
      ...GIT_ENV,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      // As most Git hosts do: a commit id may be fetched, not only a branch or tag tip.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'uploadpack.allowAnySHA1InWant',
      GIT_CONFIG_VALUE_0: 'true',
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const at = line.indexOf(':');
      const key = line.slice(0, at).trim().toLowerCase();
      const value = line.slice(at + 1).trim();
      if (key === 'status') status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headersSent) res.writeHead(500);
    res.end();
  });
}

function createRepo(dir: string, url: string): GitRepo {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  return {
    url,
    commit(files, message = 'change') {
      for (const [path, text] of Object.entries(files)) {
        const file = join(dir, path);
        if (text === null) rmSync(file, { force: true });
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    branch: (name) => void git('checkout', '-q', '-b', name),
    checkout: (name) => void git('checkout', '-q', name),
    tag: (name, message) => void (message ? git('tag', '-a', name, '-m', message) : git('tag', name)),
  };
}
