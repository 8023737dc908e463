import { randomUUID } from 'node:crypto';
import {
  CreateTagsCommand,
  DescribeRegionsCommand,
  DescribeVolumesCommand,
  type Filter,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  type CreateMachineSpec,
  type MachineAction,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteSnapshot,
  type RemoteVolume,
  type ResizeDriver,
  type SerialConsoleDriver,
  type SerialOutput,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { concatAhead } from '../common/concat-ahead';
import type { Ec2Api } from './api';
import { listImages, listLocations, listSizes } from './catalog';
import type { AwsDriverConfig } from './config';
import { instancePages } from './instance-pages';
import { ensureKeyPair } from './key-pair';
import { tagsToRecord, toRemoteMachine } from './map-machine';
import { toRemoteVolume } from './map-volume';
import { AwsNetworks } from './networks';
import { paginate } from './pages';
import { RegionDirectory } from './regions';
import { resizeInstance } from './resize';
import { ec2SerialOutput } from './serial';
import * as snapshots from './snapshots';
import { volumeAction } from './volumes';

const ACTIONS = new Set<string>(['start', 'stop', 'reboot', 'destroy', 'rename'] satisfies MachineAction[]);

/** Every state but terminated: used when terminated instances are not wanted. */
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

const toTags = (record: Record<string, string>): Tag[] =>
  Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

/**
 * ProviderDriver over EC2. Machine and volume locations are availability zones, and so are
 * listLocations' ids. Ids are EC2's own (`i-...`, `vol-...`); their region is found through
 * the RegionDirectory.
 */
export class AwsDriver implements ProviderDriver, SerialConsoleDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'aws' as const;
  /** The root volume is replaced in place from its snapshot (see snapshots.ts). */
  readonly canRevertSnapshots = true;
  /** EC2 replaces the root volume of a running instance only. */
  readonly revertNeeds = 'running' as const;
  private readonly directory: RegionDirectory;
  /** VPCs, subnets and security groups; createAwsDriver gives the driver their methods. */
  readonly networks: AwsNetworks;

  constructor(
    private readonly api: Ec2Api,
    private readonly config: AwsDriverConfig,
  ) {
    this.directory = new RegionDirectory(api, config);
    this.networks = new AwsNetworks(api, this.directory, config);
  }

  /** DescribeRegions is cheap and needs nothing but valid keys. */
  async validate(): Promise<void> {
    await this.api.call(this.config.defaultRegion, (c, o) => c.send(new DescribeRegionsCommand({}), o));
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const filters: Filter[] | undefined = this.config.includeTerminated
      ? undefined
      : [{ Name: 'instance-state-name', Values: LIVE_STATES }];
    const regions = await this.directory.regions(signal);
    // Regions are independent endpoints: the next ones are asked while one is being read.
    const byRegion = regions.map((region) => () => this.machinesIn(region, filters, signal));
    yield* concatAhead(byRegion, this.config.concurrency, signal);
    signal.throwIfAborted();
  }

  private async *machinesIn(region: string, filters: Filter[] | undefined, signal: AbortSignal) {
    const pages = instancePages(this.api, region, this.config.pageSize.instances, filters, signal);
    for await (const [instance, reservation] of pages) {
      if (instance.InstanceId) this.directory.remember(instance.InstanceId, region);
      yield toRemoteMachine(instance, region, reservation);
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for (const region of await this.directory.regions(signal)) {
      yield* paginate(signal, async (token) => {
        const out = await this.api.call(
          region,
          (c, o) =>
            c.send(
              new DescribeVolumesCommand({ MaxResults: this.config.pageSize.volumes, NextToken: token }),
              o,
            ),
          signal,
        );
        return {
          next: out.NextToken,
          items: (out.Volumes ?? []).map((volume) => {
            if (volume.VolumeId) this.directory.remember(volume.VolumeId, region);
            return toRemoteVolume(volume, region);
          }),
        };
      });
    }
  }

  listSizes(): Promise<RemoteSize[]> {
    return listSizes(this.api, this.directory, this.config);
  }

  listImages(): Promise<RemoteImage[]> {
    return listImages(this.api, this.directory, this.config);
  }

  listLocations(): Promise<RemoteLocation[]> {
    return listLocations(this.directory);
  }

  /** The instance's serial console output (GetConsoleOutput), after `since`. */
  async serialOutput(externalId: string, since?: string): Promise<SerialOutput> {
    const region = await this.directory.regionOfInstance(externalId);
    return ec2SerialOutput(this.api, region, externalId, since);
  }

  listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    return snapshots.listSnapshots(this.api, this.directory, machineExternalId);
  }
  createSnapshot(machineExternalId: string, name: string): Promise<void> {
    return snapshots.createSnapshot(this.api, this.directory, machineExternalId, name);
  }
  revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.revertSnapshot(this.api, this.directory, machineExternalId, snapshotExternalId);
  }
  deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.api, this.directory, machineExternalId, snapshotExternalId);
  }
  resizeMachine(externalId: string, sizeId: string): Promise<void> {
    return resizeInstance(this.api, this.directory, externalId, sizeId);
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    if (!ACTIONS.has(action)) throw new ProviderError('invalid', `Unknown machine action '${action}'`);
    if (action === 'rename' && !options.name) throw new ProviderError('invalid', 'rename needs a name');
    const region = await this.directory.regionOfInstance(externalId);
    const InstanceIds = [externalId];
    await this.api.call(region, (c, o) => {
      switch (action) {
        case 'start':
          return c.send(new StartInstancesCommand({ InstanceIds }), o);
        case 'stop':
          return c.send(new StopInstancesCommand({ InstanceIds }), o);
        case 'reboot':
          return c.send(new RebootInstancesCommand({ InstanceIds }), o);
        case 'destroy':
          return c.send(new TerminateInstancesCommand({ InstanceIds }), o);
        case 'rename':
          return c.send(
            new CreateTagsCommand({ Resources: InstanceIds, Tags: [{ Key: 'Name', Value: options.name }] }),
            o,
          );
      }
    });
  }

  /**
   * RunInstances in the zone given as location (or anywhere in a region given instead).
   * One ClientToken for all attempts, so a retry after a lost answer never launches twice.
   */
  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const { region, zone } = await this.directory.regionOfLocation(spec.location);
    const keyName = spec.sshKey ? await ensureKeyPair(this.api, region, spec.sshKey) : undefined;
    const tags = { ...spec.tags, Name: spec.name };
    const clientToken = randomUUID();
    const out = await this.api.call(region, (c, o) =>
      c.send(
        new RunInstancesCommand({
          ImageId: spec.image,
          InstanceType: spec.size as RunInstancesCommand['input']['InstanceType'],
          MinCount: 1,
          MaxCount: 1,
          KeyName: keyName,
          Placement: zone ? { AvailabilityZone: zone } : undefined,
          UserData:
            spec.userData !== undefined ? Buffer.from(spec.userData, 'utf8').toString('base64') : undefined,
          TagSpecifications: [
            { ResourceType: 'instance', Tags: toTags(tags) },
            { ResourceType: 'volume', Tags: toTags({ Name: spec.name }) },
          ],
          ClientToken: clientToken,
        }),
        o,
      ),
    );
    const instance = out.Instances?.[0];
    if (!instance?.InstanceId) {
      throw new ProviderError('unavailable', 'RunInstances answered without an instance');
    }
    this.directory.remember(instance.InstanceId, region);
    const machine = toRemoteMachine(instance, region, out);
    // Some EC2-compatible clouds leave tags out of the RunInstances answer.
    if (Object.keys(tagsToRecord(instance.Tags)).length === 0) {
      machine.tags = tags;
      machine.name = spec.name;
    }
    return machine;
  }

  volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    return volumeAction(this.api, this.directory, this.config, op);
  }
}
