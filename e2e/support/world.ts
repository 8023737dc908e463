import {
  type DigitalOceanSim,
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  type Ec2Sim,
  startDigitalOceanSim,
  startEc2Sim,
} from '@overcast/cloud-sim';
import {
  test as base,
  type Fixtures,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
} from '@playwright/test';
import { type Stack, startStack } from './stack';

/** A stack of its own with two emulated clouds, for tests that add and change clouds. */
export interface World {
  stack: Stack;
  digitalOcean: DigitalOceanSim;
  ec2: Ec2Sim;
  doToken: string;
  ec2Keys: { accessKeyId: string; secretAccessKey: string };
}

export const DO_DROPLETS = 12;

/**
 * The world's fixtures. Playwright keys a worker by its worker fixtures' functions, so each call
 * makes a new function, and the test type built on it a world (and a worker) of its own.
 */
const worldFixtures = (): Fixtures<
  object,
  { world: World },
  PlaywrightTestArgs & PlaywrightTestOptions,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
> => ({
  world: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const doToken = 'e2e-do-token';
      const digitalOcean = await startDigitalOceanSim({
        accounts: [{ token: doToken, droplets: DO_DROPLETS, namePrefix: 'droplet' }],
        bootDelayMs: 1500,
        actionDelayMs: 200,
        rateLimit: { limit: 1_000_000, windowMs: 3_600_000 },
      });
      const ec2 = await startEc2Sim({ seed: 8, transitionMs: 1000 });
      // Frequent polls keep each step of a test short; the UI works the same at the default.
      const stack = await startStack({
        adminEmail: 'e2e-owner@example.com',
        env: { OVERCAST_POLL_MACHINES_SECONDS: '5' },
      });
      await use({
        stack,
        digitalOcean,
        ec2,
        doToken,
        ec2Keys: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
      });
      await stack.stop();
      await digitalOcean.close();
      await ec2.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ world }, use) => use(world.stack.baseURL),
});

/** The world the specs that don't add or change clouds share. */
export const test = base.extend<object, { world: World }>(worldFixtures());

/**
 * A world of the calling file's own: no other file's clouds or machines are there. Call it once
 * per file (`const test = isolatedTest()`).
 */
export const isolatedTest = () => base.extend<object, { world: World }>(worldFixtures());

export { expect } from '@playwright/test';
