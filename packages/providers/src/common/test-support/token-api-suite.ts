// What every driver built on the shared JSON client must do against its emulator, whatever the
// provider: stop on abort, keep accounts apart, refuse a bad token in the provider's words,
// honour Retry-After and the account's budget, give up on outages within its retry budget
// without resending a create, run a volume's whole life, and time out. Each provider's own test runs it beside the
// provider-specific cases.

import { generateKeyPairSync } from 'node:crypto';
import {
  type CreateMachineSpec,
  type DriverInit,
  type ProviderDriver,
  ProviderError,
  type RemoteMachine,
  type RemoteVolume,
} from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenApiSim, TokenSimOptions } from '../../../../cloud-sim/src/common/token-api';
import { collect } from '../json-api';

export interface TokenApiCase<S extends TokenApiSim> {
  /** As the driver names it in its own messages ("Hetzner Cloud did not answer ..."). */
  provider: string;
  create(init: DriverInit<{ token: string }>): ProviderDriver;
  /** Starts the emulator: one account per token, with `machines` machines named `<prefix>-000000`... */
  start(
    options: {
      accounts: Array<{ token: string; machines: number; prefix: string }>;
    } & TokenSimOptions,
  ): Promise<S>;
  /** The emulator's words for a bad token, a spent budget and an outage. */
  words: { unauthorized: string; throttled: string; serverError: string };
  /** A create the emulator accepts for the account `work`. */
  createSpec: CreateMachineSpec;
  /** Whether the account behind `token` holds a machine named `name`. */
  holds(sim: S, token: string, name: string): boolean;
  /** The provider's smallest page. Default 1. */
  minPage?: number;
  volumes: {
    /** A location where the account `work` has a machine, and that machine's id. */
    host(sim: S): { location: string; machineId: string };
    /** The provider's word for a volume ready for use. */
    readyWord: string;
    /** The provider's refusals: deleting an attached volume, and a 1 GB one. */
    attachedRefusal: string;
    tooSmall: string;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh OpenSSH ed25519 public key line. */
export function sshPublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const type = Buffer.from('ssh-ed25519');
  const raw = der.subarray(der.length - 32);
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, 32]), raw]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

const machines = (d: ProviderDriver) => collect(d.listMachines(new AbortController().signal));

/** Drivers for an emulator's accounts (started later: `url` is read when a driver is made). */
export function onEmulator(
  create: (init: DriverInit<{ token: string }>) => ProviderDriver,
  url: () => string,
  base: Record<string, unknown> = {},
) {
  const driver = (token: string, config: Record<string, unknown> = {}) =>
    create({
      credentials: { token },
      endpoint: url(),
      config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, ...base, ...config },
    });
  const byId = async (d: ProviderDriver, id: string): Promise<RemoteMachine | undefined> =>
    (await machines(d)).find((m) => m.externalId === id);
  return { driver, machines, byId };
}

export function describeTokenApiDriver<S extends TokenApiSim>(c: TokenApiCase<S>): void {
  describe(`${c.provider}: what every token-API driver does`, () => {
    let sim: S;
    const { driver } = onEmulator(c.create, () => sim.url);
    const page = Math.max(c.minPage ?? 1, 20);

    beforeAll(async () => {
      sim = await c.start({
        accounts: [
          { token: 'work', machines: 3, prefix: 'work' },
          { token: 'other', machines: 3 * page, prefix: 'other' },
        ],
        rateLimit: { limit: 100_000, windowMs: 1_000 },
        bootDelayMs: 40,
      });
    });
    afterAll(() => sim.close());

    it('stops listing when the signal aborts, after the page it is on', async () => {
      const controller = new AbortController();
      let seen = 0;
      for await (const _ of driver('other', { perPage: page }).listMachines(controller.signal)) {
        seen += 1;
        if (seen === page + 10) controller.abort();
      }
      expect(seen).toBe(2 * page);
    });

    it('keeps two accounts apart when they are polled at the same time', async () => {
      const small = c.minPage ?? 1;
      const before = sim.requestLog.length;
      const [a, b] = await Promise.all([
        machines(driver('work', { perPage: small })),
        machines(driver('other', { perPage: small + 6 })),
      ]);
      expect(a.map((m) => m.name)).toEqual(['work-000000', 'work-000001', 'work-000002']);
      expect(b).toHaveLength(3 * page);
      expect(b.every((m) => m.name.startsWith('other-'))).toBe(true);
      const tokens = new Set(sim.requestLog.slice(before).map((r) => r.token));
      expect(tokens).toEqual(new Set(['work', 'other']));
    });

    it("validates a good token and refuses a bad one in the provider's words", async () => {
      await expect(driver('work').validate()).resolves.toBeUndefined();
      const err = await driver('nobody')
        .validate()
        .catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'auth', message: c.words.unauthorized, options: { status: 401 } });
      expect(() => c.create({ credentials: { token: ' ' } })).toThrow(ProviderError);
    });

    it('retries a 429 after the Retry-After the emulator sent', async () => {
      const d = driver('work', { retryMaxDelayMs: 5_000 });
      sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 1 });
      const started = Date.now();
      await expect(d.validate()).resolves.toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it("spends the account's budget, then waits for it to refill", async () => {
      const small = await c.start({
        accounts: [{ token: 't', machines: 1, prefix: 't' }],
        rateLimit: { limit: 2, windowMs: 1_000 },
      });
      try {
        const make = (config: Record<string, unknown>) =>
          c.create({ credentials: { token: 't' }, endpoint: small.url, config });
        await make({}).validate();
        await make({}).validate();
        const third = await make({ retryAttempts: 1 })
          .validate()
          .catch((e) => e);
        expect(third).toMatchObject({
          kind: 'throttled',
          message: c.words.throttled,
          options: { status: 429 },
        });
        expect(third.retryAfterMs).toBeGreaterThan(0);
        await expect(
          make({ retryBaseDelayMs: 1, retryMaxDelayMs: 3_000 }).validate(),
        ).resolves.toBeUndefined();
      } finally {
        await small.close();
      }
    });

    it('gives up on a 500 burst longer than its retry budget, and never resends a create', async () => {
      const d = driver('work', { retryAttempts: 3 });
      sim.knobs.burst({ status: 500, count: 10 });
      const before = sim.knobs.requests;
      try {
        const err = await d.listLocations().catch((e) => e);
        expect(err).toMatchObject({ kind: 'unavailable', message: c.words.serverError });
        expect(sim.knobs.requests - before).toBe(3);
      } finally {
        sim.knobs.clearFaults();
      }
      sim.knobs.burst({ status: 500, count: 1 });
      const once = await d.createMachine(c.createSpec).catch((e) => e);
      expect(once).toMatchObject({ kind: 'unavailable' });
      expect(c.holds(sim, 'work', c.createSpec.name)).toBe(false);
      await d.createMachine(c.createSpec);
      expect(c.holds(sim, 'work', c.createSpec.name)).toBe(true);
    });

    it('creates, attaches, detaches and deletes a volume', async () => {
      const d = driver('work');
      const volumes = async () => collect(d.listVolumes(new AbortController().signal));
      const { location, machineId } = c.volumes.host(sim);
      const made = (await d.volumeAction({
        op: 'create',
        name: 'data-1',
        sizeGb: 20,
        location,
      })) as RemoteVolume;
      expect(made).toMatchObject({ name: 'data-1', sizeGb: 20, location, state: 'creating', attachedTo: [] });
      await sleep(60);
      await d.volumeAction({ op: 'attach', volumeId: made.externalId, machineId });
      expect((await volumes()).find((v) => v.externalId === made.externalId)).toMatchObject({
        state: 'in-use',
        rawState: c.volumes.readyWord,
        attachedTo: [machineId],
      });
      const busy = await d.volumeAction({ op: 'delete', volumeId: made.externalId }).catch((e) => e);
      expect(busy).toMatchObject({ kind: 'conflict', message: c.volumes.attachedRefusal });
      await d.volumeAction({ op: 'detach', volumeId: made.externalId, machineId });
      expect((await volumes()).find((v) => v.externalId === made.externalId)).toMatchObject({
        state: 'available',
        attachedTo: [],
      });
      await d.volumeAction({ op: 'delete', volumeId: made.externalId });
      expect((await volumes()).find((v) => v.externalId === made.externalId)).toBeUndefined();
      const tiny = await d.volumeAction({ op: 'create', name: 'tiny', sizeGb: 1, location }).catch((e) => e);
      expect(tiny).toMatchObject({ kind: 'invalid', message: c.volumes.tooSmall });
    });

    it('times out a hanging API as unavailable', async () => {
      const d = driver('work', { requestTimeoutMs: 150, retryAttempts: 2 });
      sim.knobs.hangMs = 2_000;
      try {
        const started = Date.now();
        const err = await d.validate().catch((e) => e);
        expect(err).toMatchObject({
          kind: 'unavailable',
          message: `${c.provider} did not answer within 150 ms`,
        });
        expect(Date.now() - started).toBeLessThan(1_500);
      } finally {
        sim.knobs.hangMs = 0;
      }
    });
  });
}
