import { randomBytes } from 'node:crypto';
import { parseCidr } from '@overcast/contracts/addresses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitRepo, type GitServer, startGitServer } from '../../../../test/support/git-server';
import { DomainError } from '../errors';
import type { OutboundRules } from '../outbound';
import { checkGitPath, readGitFile } from './git-source';

// Reading one file from a real repository served over smart HTTP by git http-backend.

const loopback: OutboundRules = { allowed: [parseCidr('127.0.0.0/8')!] };
let server: GitServer;
let repo: GitRepo;
let first: string;
let second: string;

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
};

beforeAll(async () => {
  server = await startGitServer({ token: 's3cret-token' });
  repo = server.repo('infra');
  first = repo.commit({ 'templates/web.yaml': 'one: 1\n' }, 'first');
  repo.tag('v1', 'release 1');
  repo.tag('light');
  second = repo.commit({ 'templates/web.yaml': 'two: 2\n', 'big.bin': 'a\0b' }, 'second');
  repo.branch('next');
  repo.commit({ 'templates/web.yaml': 'three: 3\n' }, 'third');
  repo.checkout('main');
});
afterAll(() => server.close());

describe('readGitFile', () => {
  it('reads the file at the remote HEAD, a branch, a tag (annotated or not) and a commit id', async () => {
    expect(await readGitFile({ url: repo.url, path: 'templates/web.yaml' }, loopback)).toEqual({
      commit: second,
      source: 'two: 2\n',
    });
    const next = await readGitFile({ url: repo.url, ref: 'next', path: 'templates/web.yaml' }, loopback);
    expect(next.source).toBe('three: 3\n');
    expect(next.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const ref of ['v1', 'light', first])
      expect(await readGitFile({ url: repo.url, ref, path: 'templates/web.yaml' }, loopback)).toEqual({
        commit: first,
        source: 'one: 1\n',
      });
  });

  it('names what is wrong: the ref, the file, a folder, a binary file', async () => {
    const badRef = await failure(
      readGitFile({ url: repo.url, ref: 'nope', path: 'templates/web.yaml' }, loopback),
    );
    expect(badRef).toMatchObject({ code: 'git_ref_not_found', field: 'body.ref' });
    expect(badRef.message).toContain('"nope"');
    const unknownCommit = await failure(
      readGitFile({ url: repo.url, ref: 'f'.repeat(40), path: 'templates/web.yaml' }, loopback),
    );
    expect(unknownCommit.code).toBe('git_ref_not_found');
    const missing = await failure(readGitFile({ url: repo.url, path: 'templates/db.yaml' }, loopback));
    expect(missing).toMatchObject({ code: 'git_file_not_found', field: 'body.path' });
    const folder = await failure(readGitFile({ url: repo.url, path: 'templates' }, loopback));
    expect(folder.code).toBe('git_file_not_found');
    const binary = await failure(readGitFile({ url: repo.url, path: 'big.bin' }, loopback));
    expect(binary.code).toBe('git_file_unreadable');
    const noRepo = await failure(readGitFile({ url: `${server.base}/absent`, path: 'a.yaml' }, loopback));
    expect(noRepo.code).toBe('git_unreachable');
  });

  it('sends the token to a private repository and says when it is missing or refused', async () => {
    const priv = server.repo('private-infra');
    const commit = priv.commit({ 'a.yaml': 'x: 1\n' });
    const read = await readGitFile({ url: priv.url, path: 'a.yaml', token: 's3cret-token' }, loopback);
    expect(read.commit).toBe(commit);
    const none = await failure(readGitFile({ url: priv.url, path: 'a.yaml' }, loopback));
    expect(none.code).toBe('git_auth_failed');
    const wrong = await failure(readGitFile({ url: priv.url, path: 'a.yaml', token: 'wrong' }, loopback));
    expect(wrong).toMatchObject({ code: 'git_auth_failed', field: 'body.token' });
  });

  it('refuses loopback unless the rules open it, before any request', async () => {
    const before = server.requests.length;
    const refused = await failure(
      readGitFile({ url: repo.url, path: 'templates/web.yaml' }, { allowed: [] }),
    );
    expect(refused.code).toBe('outbound_address_refused');
    expect(server.requests.length).toBe(before);
  });

  it('stops at the pack size limit and the timeout', async () => {
    const big = server.repo('big');
    // Random text does not compress: the pack is about as large as the file.
    big.commit({ 'a.yaml': 'x: 1\n', 'noise.txt': randomBytes(100_000).toString('base64') });
    const tooLarge = await failure(
      readGitFile({ url: big.url, path: 'a.yaml' }, loopback, { timeoutMs: 30_000, maxPackBytes: 2_000 }),
    );
    expect(tooLarge.code).toBe('git_repository_too_large');
    const late = await failure(
      readGitFile({ url: big.url, path: 'a.yaml' }, loopback, { timeoutMs: 1, maxPackBytes: 1_000_000 }),
    );
    expect(late.code).toBe('git_timeout');
  });

  it('refuses paths that leave the repository', () => {
    for (const path of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'a\0b', 'a\\b', 'a//b', '.git/config'])
      expect(() => checkGitPath(path), path).toThrow(DomainError);
    expect(() => checkGitPath('templates/web.yaml')).not.toThrow();
  });
});
