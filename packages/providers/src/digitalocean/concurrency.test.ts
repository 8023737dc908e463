// Two DigitalOcean clouds polled at the same time must never see each other's droplets: each
// driver keeps its own token (a module-wide HTTP client would leak one into the other).

import type { RemoteMachine } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { createDigitalOceanDriver } from './index';

describe('two DigitalOcean clouds polled concurrently', () => {
  let sim: DigitalOceanSim;

  beforeAll(async () => {
    sim = await startDigitalOceanSim({
      accounts: [
        { token: 'token-alpha', droplets: 1_000, namePrefix: 'alpha' },
        { token: 'token-beta', droplets: 730, namePrefix: 'beta' },
      ],
    });
    // A little latency keeps both clients' requests in flight at once.
    sim.knobs.latencyMs = 3;
  });
  afterAll(() => sim.close());

  const driverFor = (token: string) =>
    createDigitalOceanDriver({ credentials: { token }, endpoint: sim.url, config: { perPage: 50 } });

  it('each lists only its own droplets, page for page interleaved', async () => {
    const alpha = driverFor('token-alpha').listMachines(new AbortController().signal)[Symbol.asyncIterator]();
    const beta = driverFor('token-beta').listMachines(new AbortController().signal)[Symbol.asyncIterator]();
    const got: Record<'alpha' | 'beta', RemoteMachine[]> = { alpha: [], beta: [] };
    const logStart = sim.requestLog.length;
    let aDone = false;
    let bDone = false;
    // Step both iterators together so their page requests overlap on the wire.
    while (!aDone || !bDone) {
      const [a, b] = await Promise.all([aDone ? undefined : alpha.next(), bDone ? undefined : beta.next()]);
      if (a?.done) aDone = true;
      else if (a) got.alpha.push(a.value);
      if (b?.done) bDone = true;
      else if (b) got.beta.push(b.value);
    }

    expect(got.alpha).toHaveLength(1_000);
    expect(got.beta).toHaveLength(730);
    expect(got.alpha.every((m) => m.name.startsWith('alpha-'))).toBe(true);
    expect(got.beta.every((m) => m.name.startsWith('beta-'))).toBe(true);
    const alphaIds = new Set(sim.account('token-alpha').droplets.keys());
    const betaIds = new Set(sim.account('token-beta').droplets.keys());
    expect(got.alpha.every((m) => alphaIds.has(Number(m.externalId)))).toBe(true);
    expect(got.beta.every((m) => betaIds.has(Number(m.externalId)))).toBe(true);

    // The log proves the pages really alternated between the two tokens.
    const tokens = sim.requestLog.slice(logStart).map((r) => r.token);
    const switches = tokens.filter((t, i) => i > 0 && t !== tokens[i - 1]).length;
    expect(tokens.filter((t) => t === 'token-alpha')).toHaveLength(20);
    expect(tokens.filter((t) => t === 'token-beta')).toHaveLength(15);
    expect(switches).toBeGreaterThanOrEqual(20);
  });

  it('keeps the accounts apart when whole listings and other calls run at once', async () => {
    const a = driverFor('token-alpha');
    const b = driverFor('token-beta');
    const collect = async (it: AsyncIterable<RemoteMachine>) => {
      const names: string[] = [];
      for await (const m of it) names.push(m.name);
      return names;
    };
    const [aNames, bNames] = await Promise.all([
      collect(a.listMachines(new AbortController().signal)),
      collect(b.listMachines(new AbortController().signal)),
      a.validate(),
      b.listSizes(),
    ]);
    expect(new Set(aNames.map((n) => n.split('-')[0]))).toEqual(new Set(['alpha']));
    expect(new Set(bNames.map((n) => n.split('-')[0]))).toEqual(new Set(['beta']));
  });
});
