// The Azure driver resolves every name it connects to (sign-in, Resource Manager, prices) through
// the lookup it is given, the outbound guard in production: a refused name is never connected
// to nor asked again, and its refusal is what the caller hears.

import { createServer, isIP, type LookupFunction, type Server } from 'node:net';
import type { ProviderDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureSim, startAzureSim } from '../../../cloud-sim/src/azure/index';
// Test-only reach into the guard (providers depends on contracts only).
import { checkAddress, parseIp } from '../../../core/src/outbound/index';
import { createAzureDriver } from './index';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SUB = '00000000-0000-0000-0000-00000000000a';

/** A lookup that answers `address` for every name, judged by the real guard's cloud rule. */
function lookupTo(address: string) {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    try {
      checkAddress(hostname, parseIp(address)!, {
        purpose: 'cloud',
        actorRole: 'admin',
        rules: { allowed: [{ family: 4, base: 0x7f000000n, bits: 8 }] },
      });
    } catch (err) {
      callback(err as NodeJS.ErrnoException, '', 0);
      return;
    }
    const family = isIP(address);
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return { lookup, asked };
}

let sim: AzureSim;
let trap: Server;
let trapPort: number;
let trapped = 0;

beforeAll(async () => {
  trap = createServer((socket) => {
    trapped++;
    socket.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapPort = (trap.address() as { port: number }).port;
  sim = await startAzureSim({
    principals: [{ tenantId: TENANT, clientId: CLIENT, secret: 's', subscriptions: [SUB] }],
    subscriptions: [{ id: SUB, vms: 2 }],
  });
});
afterAll(async () => {
  await sim?.close();
  await new Promise((r) => trap?.close(r));
});

function driver(origin: string, lookup: LookupFunction): ProviderDriver {
  return createAzureDriver({
    credentials: { tenantId: TENANT, clientId: CLIENT, clientSecret: 's' },
    endpoint: origin,
    config: {
      authorityHost: origin,
      caCertificate: sim.ca,
      pricesEndpoint: origin,
      retryAttempts: 3,
      retryBaseDelayMs: 1,
    },
    lookup,
  });
}

async function names(d: ProviderDriver): Promise<string[]> {
  const out: string[] = [];
  for await (const m of d.listMachines(new AbortController().signal)) out.push(m.name);
  return out;
}

describe('Azure driver and the outbound guard', () => {
  it('never signs in at, nor calls, a name its lookup refuses, says so, and does not ask again', async () => {
    const { lookup, asked } = lookupTo('169.254.169.254');
    const before = trapped;
    await expect(names(driver(`https://localhost:${trapPort}`, lookup))).rejects.toThrow(
      /localhost is a link-local address .*outbound\.allowPrivateNetworks/,
    );
    expect(trapped - before).toBe(0);
    expect(asked).toEqual(['localhost']);
  });

  it('signs in, lists and prices at the address its lookup gives', async () => {
    const { lookup, asked } = lookupTo('127.0.0.1');
    const port = new URL(sim.url).port;
    expect(await names(driver(`https://localhost:${port}`, lookup))).toEqual(['vm-1', 'vm-2']);
    expect(new Set(asked)).toEqual(new Set(['localhost']));
  });
});
