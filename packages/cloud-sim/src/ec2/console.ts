import { invalidValue } from './errors';
import { forceInstanceState, type LaunchSpec, launchInstances, removeInstance } from './instance-ops';
import type { InstanceStateName, SimInstance, SimVolume } from './model';
import type { Ec2State } from './state';

/**
 * Changes made "in the AWS console": behind the API client's back, effective at once.
 * Tests use it to check that a sync notices drift it did not cause.
 */
export class Ec2Console {
  constructor(private readonly state: Ec2State) {}

  /** Launches like RunInstances (same validation); instances start in `pending`. */
  launch(region: string, spec: LaunchSpec): SimInstance[] {
    return launchInstances(this.state, region, spec);
  }

  /** Puts an instance straight into `state` (running, stopped, terminated...). */
  setState(instanceId: string, state: InstanceStateName): SimInstance {
    return forceInstanceState(this.state, instanceId, state);
  }

  rename(resourceId: string, name: string): void {
    this.tags(resourceId).set('Name', name);
  }

  setTag(resourceId: string, key: string, value: string): void {
    this.tags(resourceId).set(key, value);
  }

  deleteTag(resourceId: string, key: string): void {
    this.tags(resourceId).delete(key);
  }

  /** The instance disappears from every listing, as if terminated long ago. */
  remove(instanceId: string): boolean {
    return removeInstance(this.state, instanceId);
  }

  /** Resizes a volume in place (Elastic Volumes). */
  resizeVolume(volumeId: string, sizeGb: number): SimVolume {
    const volume = this.volume(volumeId);
    volume.size = sizeGb;
    return volume;
  }

  private volume(id: string): SimVolume {
    const volume = this.state.volumes.get(id);
    if (!volume) throw invalidValue(`Unknown volume ${id}`);
    return volume;
  }

  private tags(resourceId: string): Map<string, string> {
    const resource = this.state.instances.get(resourceId) ?? this.state.volumes.get(resourceId);
    if (!resource) throw invalidValue(`Unknown resource ${resourceId}`);
    return resource.tags;
  }
}
