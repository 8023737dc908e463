import { typesInRegion } from './catalog';
import { prng } from './ids';
import { attachRootVolume, buildInstance } from './instance-ops';
import type { InstanceStateName, SimImage } from './model';
import type { Ec2State } from './state';

export interface SeedOptions {
  /** How many instances to create, spread over the enabled regions (up to 100k is quick). */
  machines: number;
  /** PRNG seed; the same seed gives the same fleet (ids, types, states, tags, IPs). */
  seed?: number;
}

const ROLES = ['web', 'api', 'worker', 'db', 'cache', 'batch', 'proxy', 'ci'];
const ENVS = ['prod', 'staging', 'dev'];
const TEAMS = ['platform', 'payments', 'search', 'data'];

/**
 * Fills the state with a deterministic fleet: about 75% running, 20% stopped and 5%
 * terminated (those vanish after the retention period, as on EC2). Launch times are spread
 * over the year before `now`. Every non-terminated instance gets its EBS root volume.
 */
export function seedInstances(state: Ec2State, options: SeedOptions): void {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const regions = [...state.regions.values()];
  if (regions.length === 0 || options.machines <= 0) return;
  const perRegion = regions.map((region) => {
    const types = typesInRegion(region.name);
    const imagesByArch = (arch: string) => region.images.filter((i) => i.architecture === arch);
    return { region, types, images: { x86_64: imagesByArch('x86_64'), arm64: imagesByArch('arm64') } };
  });
  const now = state.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  for (let n = 0; n < options.machines; n++) {
    const { region, types, images } = perRegion[n % perRegion.length]!;
    const type = pick(types);
    const image: SimImage = pick(images[type.arch]);
    const roll = random();
    const status: InstanceStateName = roll < 0.75 ? 'running' : roll < 0.95 ? 'stopped' : 'terminated';
    const role = pick(ROLES);
    const tags = new Map([
      ['Name', `${role}-${n.toString().padStart(5, '0')}`],
      ['env', pick(ENVS)],
      ['team', pick(TEAMS)],
    ]);
    const instance = buildInstance(state, region, {
      image,
      instanceType: type.name,
      zone: pick(region.zoneNames),
      reservationId: state.newReservationId(),
      launchIndex: 0,
      launchTime: now - Math.floor(random() * yearMs),
      state: status,
      keyName: 'ops',
      tags,
      clientToken: '',
    });
    state.addInstance(instance);
    if (status === 'terminated') {
      state.scheduler.after(state.terminatedRetentionMs, () => {
        if (instance.alive && instance.state === 'terminated') state.deleteInstance(instance);
      });
    } else {
      attachRootVolume(state, instance, image);
    }
  }
}
