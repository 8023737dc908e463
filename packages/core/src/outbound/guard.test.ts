import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyIp, parseCidr, parseIp } from '@overcast/contracts/addresses';
import { loadSettings } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from './fetch';
import {
  assertOutboundAllowed,
  guardedLookup,
  OUTBOUND_REFUSED,
  type OutboundOptions,
  type OutboundRules,
  outboundRules,
  resolveOutbound,
} from './guard';

const none: OutboundRules = { allowed: [] };
const loopbackAllowed: OutboundRules = { allowed: [parseCidr('127.0.0.0/8')!, parseCidr('::1/128')!] };
const webhook = { purpose: 'webhook' as const, rules: none };

const refusedCode = async (target: string, opts: OutboundOptions = webhook) => {
  try {
    await resolveOutbound(target, opts);
    return 'allowed';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('outbound guard', () => {
  it('refuses loopback in every spelling, before any connection', async () => {
    for (const host of [
      '127.0.0.1',
      '127.1',
      '2130706433',
      '0x7f.1',
      '0x7f000001',
      '0177.0.0.1',
      '017700000001',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '[::ffff:127.0.0.1]',
      '::ffff:7f00:1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      'localhost',
      'LOCALHOST',
      'localhost.',
      'api.localhost',
    ]) {
      expect(await refusedCode(host), host).toBe(OUTBOUND_REFUSED);
      expect(
        await refusedCode(
          `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:8080/x`,
        ),
        host,
      ).toBe(OUTBOUND_REFUSED);
    }
  });

  it('refuses unspecified, link-local (metadata), private, multicast and reserved addresses', async () => {
    for (const host of [
      '0.0.0.0',
      '0',
      '::',
      '[::]',
      '169.254.169.254',
      '2852039166',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.1',
      '100.64.0.1',
      '::ffff:10.0.0.1',
      'fd00::1',
      '224.0.0.1',
      'ff02::1',
      '255.255.255.255',
      '192.0.2.1',
    ]) {
      expect(await refusedCode(host), host).toBe(OUTBOUND_REFUSED);
    }
  });

  it('lets public addresses through', async () => {
    for (const host of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '134744072']) {
      expect(await refusedCode(host), host).toBe('allowed');
    }
    expect(classifyIp(parseIp('93.184.216.34')!)).toBe('public');
  });

  it('says what the address is and what to do', async () => {
    await expect(resolveOutbound('http://169.254.169.254/latest/meta-data/', webhook)).rejects.toThrow(
      /169\.254\.169\.254 is a link-local address .*outbound\.allowPrivateNetworks/,
    );
    await expect(resolveOutbound('http://2130706433/', webhook)).rejects.toThrow(
      /127\.0\.0\.1 is a loopback/,
    );
  });

  it('allows private networks for cloud addresses set by admins, not by members, and never loopback', async () => {
    const cloud = (actorRole: 'admin' | 'member') => ({ purpose: 'cloud' as const, actorRole, rules: none });
    expect(await refusedCode('10.1.2.3', cloud('admin'))).toBe('allowed');
    expect(await refusedCode('fd12::5', cloud('admin'))).toBe('allowed');
    expect(await refusedCode('10.1.2.3', cloud('member'))).toBe(OUTBOUND_REFUSED);
    expect(await refusedCode('10.1.2.3', { purpose: 'webhook', actorRole: 'admin', rules: none })).toBe(
      OUTBOUND_REFUSED,
    );
    expect(await refusedCode('127.0.0.1', cloud('admin'))).toBe(OUTBOUND_REFUSED);
    expect(await refusedCode('169.254.169.254', cloud('admin'))).toBe(OUTBOUND_REFUSED);
  });

  it('opens exactly the ranges allowed in settings, whatever the spelling', async () => {
    const opts = { purpose: 'webhook' as const, rules: loopbackAllowed };
    expect(await refusedCode('2130706433', opts)).toBe('allowed');
    expect(await refusedCode('::ffff:127.0.0.1', opts)).toBe('allowed');
    expect(await refusedCode('localhost', opts)).toBe('allowed');
    expect(await refusedCode('169.254.169.254', opts)).toBe(OUTBOUND_REFUSED);
    expect(await refusedCode('10.0.0.1', opts)).toBe(OUTBOUND_REFUSED);
  });

  it('refuses what is no host name, and lets a name that does not resolve yet be saved', async () => {
    expect(await refusedCode('user@127.0.0.1')).toBe(OUTBOUND_REFUSED);
    expect(await refusedCode('a b')).toBe(OUTBOUND_REFUSED);
    await expect(assertOutboundAllowed('http://no-such-host.invalid/', webhook)).resolves.toBeUndefined();
  });

  it('a lookup for sockets checks the name it is asked to resolve', async () => {
    const lookup = guardedLookup(webhook);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('localhost', { all: true }, (e) => resolve(e)),
    );
    expect((err as { code?: string } | null)?.code).toBe(OUTBOUND_REFUSED);
  });
});

describe('outbound.allowPrivateNetworks', () => {
  const load = (ranges: string) =>
    loadSettings({
      dir: mkdtempSync(join(tmpdir(), 'overcast-outbound-')),
      create: true,
      env: { OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS: ranges },
    }).settings;

  it('takes a comma-separated list from the environment and refuses what is no CIDR', () => {
    expect(load('10.0.0.0/8, fd00::/8').outbound.allowPrivateNetworks).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(outboundRules(load('10.0.0.0/8')).allowed).toHaveLength(1);
    expect(() => load('10.0.0.0/33')).toThrow(
      /outbound\.allowPrivateNetworks: "10\.0\.0\.0\/33" is not a CIDR/,
    );
    expect(() => load('intranet')).toThrow(/not a CIDR/);
  });
});

describe('guardedFetch', () => {
  let port = 0;
  let hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
      return;
    }
    res.end('ok');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a loopback receiver under the default rules without connecting', async () => {
    hits = [];
    await expect(guardedFetch(`http://127.0.0.1:${port}/`, {}, webhook)).rejects.toMatchObject({
      code: OUTBOUND_REFUSED,
    });
    await expect(guardedFetch(`http://localhost:${port}/`, {}, webhook)).rejects.toMatchObject({
      code: OUTBOUND_REFUSED,
    });
    expect(hits).toEqual([]);
  });

  it('reaches an allowed receiver and does not follow its redirects', async () => {
    hits = [];
    const opts = { purpose: 'node_exporter' as const, rules: loopbackAllowed };
    expect((await guardedFetch(`http://localhost:${port}/`, {}, opts)).text).toBe('ok');
    const res = await guardedFetch(`http://127.0.0.1:${port}/redirect`, {}, opts);
    expect(res.status).toBe(302);
    expect(hits).toEqual(['/', '/redirect']);
  });
});
