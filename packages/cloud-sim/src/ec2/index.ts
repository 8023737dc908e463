import { type RunningSim, SimKnobs, startSimServer } from '../common/server';
import { DEFAULT_SIM_REGIONS } from './catalog';
import { Ec2Console } from './console';
import { renderEc2Fault } from './errors';
import { createEc2Handler } from './handler';
import { seedInstances } from './seed';
import { Ec2State } from './state';

export { DEFAULT_SIM_REGIONS, INSTANCE_TYPES, PUBLIC_IMAGE_OWNERS, REGIONS } from './catalog';
export { Ec2Console } from './console';
export { renderEc2Fault } from './errors';
export { createEc2Handler, SUPPORTED_ACTIONS } from './handler';
export type { LaunchSpec } from './instance-ops';
export type { InstanceStateName, SimImage, SimInstance, SimKeyPair, SimVolume } from './model';
export { Ec2State, RegionState } from './state';

/** The access key id a default emulator accepts (any secret is fine: signatures are not checked). */
export const EC2_SIM_ACCESS_KEY_ID = 'AKIDOVERCASTSIM';
export const EC2_SIM_SECRET_ACCESS_KEY = 'overcast-sim-secret';

export interface Ec2SimOptions {
  port?: number;
  host?: string;
  /** Access key ids that authenticate; others get 401 AuthFailure. */
  accessKeyIds?: string[];
  accountId?: string;
  /** Regions the account has enabled (default: DEFAULT_SIM_REGIONS). */
  regions?: string[];
  /** Delay of transitional states (pending, stopping, creating...); default 1000, 0 allowed. */
  transitionMs?: number;
  /** How long terminated instances stay listed; default 60 s. */
  terminatedRetentionMs?: number;
  /** Seed a fleet: a count or { machines, seed }. */
  seed?: number | { machines: number; seed?: number };
  knobs?: SimKnobs;
  /** Clock, for tests that step time themselves. */
  now?: () => number;
}

export interface Ec2Sim extends RunningSim {
  state: Ec2State;
  /** Out-of-band changes, as made in the AWS console. */
  console: Ec2Console;
}

/** Starts the EC2 Query API emulator on loopback. */
export async function startEc2Sim(options: Ec2SimOptions = {}): Promise<Ec2Sim> {
  const state = new Ec2State({
    accountId: options.accountId ?? '123456789012',
    regions: options.regions ?? DEFAULT_SIM_REGIONS,
    transitionMs: options.transitionMs ?? 1000,
    terminatedRetentionMs: options.terminatedRetentionMs ?? 60_000,
    now: options.now ?? Date.now,
  });
  const seed = typeof options.seed === 'number' ? { machines: options.seed } : options.seed;
  if (seed) seedInstances(state, seed);
  const handler = createEc2Handler(state, { accessKeyIds: options.accessKeyIds ?? [EC2_SIM_ACCESS_KEY_ID] });
  const running = await startSimServer(handler, renderEc2Fault, {
    port: options.port,
    host: options.host,
    knobs: options.knobs ?? new SimKnobs(),
  });
  return { ...running, state, console: new Ec2Console(state) };
}
