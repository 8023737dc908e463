import { type RunningSim, SimKnobs, type SimRequest, startSimServer } from '../common/server';
import { handleRoute53, Route53Error, Route53State, route53Error } from '../route53';
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
  /** Hosted zones to seed in Route 53, each with its SOA, NS, an apex A and a www CNAME. Default: example.org. */
  hostedZones?: string[];
  /** Clock, for tests that step time themselves. */
  now?: () => number;
}

export interface Ec2Sim extends RunningSim {
  state: Ec2State;
  /** Route 53, served beside EC2 under /2013-04-01/ (one endpoint override reaches both). */
  route53: Route53State;
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
  const accessKeyIds = options.accessKeyIds ?? [EC2_SIM_ACCESS_KEY_ID];
  const ec2 = createEc2Handler(state, { accessKeyIds });
  const route53 = new Route53State();
  for (const name of options.hostedZones ?? ['example.org']) {
    const zone = route53.createZone(name);
    route53.put(zone, { name: zone.name, type: 'A', ttl: 300, values: ['203.0.113.20'] });
    route53.put(zone, { name: `www.${zone.name}`, type: 'CNAME', ttl: 300, values: [zone.name] });
  }
  const handler = (req: SimRequest) => {
    if (!req.url.pathname.startsWith('/2013-04-01/')) return ec2(req);
    // Route 53 is global: its SigV4 scope is us-east-1/route53. Signatures are not checked.
    const scope = /Credential=([^/,\s]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
    if (scope?.[3] !== 'route53' || !accessKeyIds.includes(scope[1]!))
      return route53Error(
        new Route53Error(
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          403,
        ),
      );
    return handleRoute53(route53, req)!;
  };
  const running = await startSimServer(handler, renderEc2Fault, {
    port: options.port,
    host: options.host,
    knobs: options.knobs ?? new SimKnobs(),
  });
  return { ...running, state, route53, console: new Ec2Console(state) };
}
