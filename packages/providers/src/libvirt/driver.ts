import type { LookupFunction } from 'node:net';
import {
  type CloneDriver,
  type CreateMachineSpec,
  type DriverInit,
  type GraphicalConsoleDriver,
  type GraphicalConsoleTarget,
  type MachineAction,
  type NetworkDriver,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteSnapshot,
  type RemoteVolume,
  type ResizeDriver,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { connectSsh, type PinnedHostKey, pinnedHostKey, sshToProviderError } from '@overcast/ssh';
import { withRetry } from '../common/retry';
import { withNetworks } from '../common/with-networks';
import { cloneDefinition, copyName, disksToCopy } from './clone';
import { cmd, lines } from './commands';
import { type LibvirtConfig, type LibvirtCredentials, readConfig } from './config';
import { checkName, domainXml, guestTarget, nextTarget, parseSize } from './create';
import { type DomainFacts, parseDomain } from './domain';
import { parseVncGraphics, vncHost } from './graphics';
import { sizeLabel, toMachine, toVolume } from './map';
import { LibvirtNetworks } from './networks';
import { LocalRunner, SshRunner, type VirshRunner } from './runner';
import { parseSnapshot } from './snapshots';
import { parseDomIfAddr, parseDomState, parseKeyValues, parseTable } from './tables';
import { type BatchResult, unwrap, Virsh } from './virsh';
import { IMAGE_FILE, IMAGE_POOL, parseVolume, type VolumeFacts } from './volume';

/** A libvirt driver also tells which SSH host key it saw, for the caller to pin. */
export interface LibvirtDriver
  extends ProviderDriver,
    GraphicalConsoleDriver,
    SnapshotDriver,
    ResizeDriver,
    CloneDriver,
    NetworkDriver {
  readonly provider: 'libvirt';
  /** The host key of the last SSH connection (null when local or not connected yet). */
  readonly hostKey: PinnedHostKey | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function domainId(externalId: string): string {
  if (!UUID.test(externalId))
    throw new ProviderError('invalid', `'${externalId}' is not a libvirt domain UUID.`);
  return externalId.toLowerCase();
}

/** Size presets offered for new machines; those larger than the host are left out. */
const PRESETS: [number, number][] = [
  [1, 512],
  [1, 1024],
  [1, 2048],
  [2, 2048],
  [2, 4096],
  [4, 4096],
  [4, 8192],
  [8, 16384],
  [16, 32768],
];

const OS_NAMES =
  /(ubuntu|debian|fedora|centos|rocky|alma|rhel|alpine|arch|opensuse|suse|windows|freebsd|openbsd)/i;

interface PoolVolumes {
  pools: string[];
  volumes: VolumeFacts[];
}

/** The host's CPUs and memory (MiB), from `virsh nodeinfo`; unbounded when it does not say. */
function hostLimits(nodeinfo: string): { cpus: number; memoryMb: number } {
  const node = parseKeyValues(nodeinfo);
  return {
    cpus: Number(node['CPU(s)']) || Number.POSITIVE_INFINITY,
    memoryMb: Number.parseInt(node['Memory size'] ?? '', 10) / 1024 || Number.POSITIVE_INFINITY,
  };
}

// The NetworkDriver part is its own class (networks.ts), joined in by withNetworks.
class Driver implements Omit<LibvirtDriver, keyof NetworkDriver> {
  readonly provider = 'libvirt' as const;
  readonly canRevertSnapshots = true;
  private seenHostKey: PinnedHostKey | null = null;
  readonly networks = new LibvirtNetworks(
    (fn, signal) => this.read(fn, signal),
    (fn, signal) => this.session(fn, signal),
  );

  constructor(
    private readonly config: LibvirtConfig,
    private readonly credentials: LibvirtCredentials,
    private readonly lookup?: LookupFunction,
  ) {}

  get hostKey(): PinnedHostKey | null {
    return this.seenHostKey;
  }

  /** A host key accepted without a pinned fingerprint is pinned from then on. */
  learnedConfig(): Record<string, unknown> {
    return this.seenHostKey && !this.config.hostKeyFingerprint
      ? { hostKeyFingerprint: this.seenHostKey.fingerprint }
      : {};
  }

  /** The host as a location: its address, or "localhost" when virsh runs here. */
  private get location(): string {
    return this.config.host?.address ?? 'localhost';
  }

  private async openRunner(signal?: AbortSignal): Promise<VirshRunner> {
    const { host } = this.config;
    if (!host) return new LocalRunner(this.config.commandTimeoutMs);
    try {
      const connection = await connectSsh({
        host: host.address,
        port: host.port,
        username: host.username,
        privateKey: this.credentials.privateKey,
        passphrase: this.credentials.passphrase,
        password: this.credentials.password,
        hostKeyFingerprint: this.config.hostKeyFingerprint,
        connectTimeoutMs: this.config.connectTimeoutMs,
        signal,
        lookup: this.lookup,
      });
      this.seenHostKey = pinnedHostKey(connection.hostKey);
      return new SshRunner(connection, this.config.commandTimeoutMs);
    } catch (err) {
      throw sshToProviderError(err);
    }
  }

  /** One SSH connection (when remote) for the whole operation; SSH failures become ProviderErrors. */
  private async session<T>(fn: (virsh: Virsh) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const runner = await this.openRunner(signal);
    try {
      return await fn(new Virsh(runner, this.config.uri));
    } catch (err) {
      throw err instanceof ProviderError || signal?.aborted ? err : sshToProviderError(err);
    } finally {
      await runner.close().catch(() => {});
    }
  }

  /** Read-only work is retried on throttling and outages (a dropped SSH connection, a busy daemon). */
  private read<T>(fn: (virsh: Virsh) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(() => this.session(fn, signal), { attempts: 3, signal });
  }

  async validate(): Promise<void> {
    await this.session(async (virsh) => {
      await virsh.call(cmd.version());
    });
  }

  // --- machines -------------------------------------------------------------------------------

  /** Facts about some domains, one virsh invocation per batch; domains gone meanwhile are skipped. */
  private async readDomains(virsh: Virsh, ids: string[], signal?: AbortSignal): Promise<RemoteMachine[]> {
    const out: RemoteMachine[] = [];
    for (let i = 0; i < ids.length; i += this.config.batchSize) {
      if (signal?.aborted) break;
      const chunk = ids.slice(i, i + this.config.batchSize);
      const results = await virsh.batch(
        chunk.flatMap((id) => [
          cmd.domState(id),
          cmd.domXml(id),
          cmd.domInfo(id),
          cmd.domAddresses(id, 'lease'),
          cmd.domAddresses(id, 'arp'),
        ]),
        { signal },
      );
      chunk.forEach((_, j) => {
        const [state, xml, info, lease, arp] = results.slice(j * 5, j * 5 + 5) as BatchResult[];
        if (!state?.ok || !xml?.ok) {
          const error = state && !state.ok ? state.error : xml && !xml.ok ? xml.error : undefined;
          if (error?.kind === 'not-found') return;
          throw error ?? new ProviderError('unavailable', 'virsh returned no result');
        }
        // Addresses exist only for running guests, and only where libvirt can see them.
        const addresses = [lease, arp].flatMap((r) => (r?.ok ? parseDomIfAddr(r.stdout) : []));
        const unique = addresses.filter(
          (a, k) => addresses.findIndex((b) => b.address === a.address && b.device === a.device) === k,
        );
        const machine = toMachine(
          parseDomain(xml.stdout),
          parseDomState(state.stdout),
          unique,
          this.location,
        );
        const details = info?.ok ? parseKeyValues(info.stdout) : {};
        machine.extra.persistent = details.Persistent ? details.Persistent === 'yes' : null;
        machine.extra.autostart = details.Autostart ? details.Autostart === 'enable' : null;
        out.push(machine);
      });
    }
    return out;
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const machines = await this.read(async (virsh) => {
      const ids = lines(await virsh.call(cmd.listUuids(), { signal }));
      return this.readDomains(virsh, ids, signal);
    }, signal).catch((err) => {
      if (signal.aborted) return [];
      throw err;
    });
    for (const machine of machines) {
      if (signal.aborted) return;
      yield machine;
    }
  }

  /** The domain's VNC display, from its live XML. */
  async consoleTarget(externalId: string): Promise<GraphicalConsoleTarget> {
    const id = domainId(externalId);
    const xml = await this.read((virsh) => virsh.call(cmd.domXml(id)));
    const graphics = parseVncGraphics(xml, `Domain ${id}`);
    return {
      protocol: 'vnc',
      host: vncHost(graphics, this.config.host?.address ?? null, `Domain ${id}`),
      port: graphics.port,
    };
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const id = domainId(externalId);
    switch (action) {
      case 'start':
        return this.session(async (virsh) => {
          // A paused domain is already "active": start refuses it, resume is what the user means.
          const { state } = parseDomState(await virsh.call(cmd.domState(id)));
          await virsh.call(state === 'paused' ? cmd.resume(id) : cmd.start(id));
        });
      case 'stop':
        return this.session(async (virsh) => {
          await virsh.call(cmd.shutdown(id));
          if (this.config.forceStopAfterMs > 0)
            await this.forceOffAfter(virsh, id, this.config.forceStopAfterMs);
        });
      case 'reboot':
        return this.session(async (virsh) => {
          await virsh.call(cmd.reboot(id));
        });
      case 'destroy':
        return this.session((virsh) => this.deleteDomain(virsh, id));
      case 'rename': {
        const name = checkName(options.name ?? '');
        return this.session(async (virsh) => {
          try {
            await virsh.call(cmd.rename(id, name));
          } catch (err) {
            if (err instanceof ProviderError && /cannot rename active/i.test(err.message)) {
              throw new ProviderError(
                'invalid',
                `Stop the machine before renaming it: libvirt renames only shut-off domains (${err.message}).`,
                { code: 'virsh' },
              );
            }
            throw err;
          }
        });
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** Waits for a requested shutdown; pulls the plug when the guest ignores it. */
  private async forceOffAfter(virsh: Virsh, id: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const { state } = parseDomState(await virsh.call(cmd.domState(id)));
      if (state === 'shut off') return;
      await new Promise((r) => setTimeout(r, Math.min(2_000, Math.max(0, deadline - Date.now()))));
    }
    const [off] = await virsh.batch([cmd.powerOff(id)]);
    if (off && !off.ok && !/not running|not active/i.test(off.error.message)) throw off.error;
  }

  /**
   * Overcast's "destroy" deletes the machine: power off (libvirt's destroy), undefine with its
   * managed save, snapshot metadata and NVRAM, and delete the boot volume Overcast created for it.
   * Other disks are volumes in their own right and are kept.
   */
  private async deleteDomain(virsh: Virsh, id: string): Promise<void> {
    const facts = parseDomain(await virsh.call(cmd.domXml(id)));
    const steps = [cmd.powerOff(id), cmd.undefine(id, facts.hasNvram)];
    if (facts.bootVolume) steps.push(cmd.deleteVolume(facts.bootVolume));
    const [off, undefine, volume] = await virsh.batch(steps);
    if (off && !off.ok && !/not running|not active/i.test(off.error.message)) throw off.error;
    unwrap(undefine);
    if (volume && !volume.ok && volume.error.kind !== 'not-found') {
      throw new ProviderError(
        volume.error.kind,
        `The machine was deleted, but its boot volume ${facts.bootVolume} was not: ${volume.error.message}`,
        { code: 'virsh' },
      );
    }
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const name = checkName(spec.name);
    const { vcpus, memoryMb } = parseSize(spec.size);
    if (spec.userData || spec.sshKey) {
      throw new ProviderError(
        'invalid',
        'libvirt machines boot their image as it is: Overcast cannot inject an SSH key or user data into them. Bake the key into the image, or create the machine without them.',
      );
    }
    if (!spec.image)
      throw new ProviderError('invalid', 'Choose an image (a volume) to create the machine from.');
    return this.session(async (virsh) => {
      const [caps, networks, pools, imageXml, imagePool] = await virsh.batch([
        cmd.capabilities(),
        cmd.listNetworks(),
        cmd.listPools(),
        cmd.volumeXml(spec.image),
        cmd.volumePool(spec.image),
      ]);
      const target = guestTarget(unwrap(caps));
      const image = parseVolume(unwrap(imageXml), lines(unwrap(imagePool))[0] ?? '');
      // New disks go where volumes go; failing a choice there, next to the image.
      const pool = this.poolFor(lines(unwrap(pools)), undefined) ?? image.pool;
      const network = this.chooseNetwork(networks?.ok ? lines(networks.stdout) : []);
      const iso = image.format === 'iso' || /\.iso$/i.test(image.name);
      const diskName = `${name}.qcow2`;
      // An overlay on the image keeps the image pristine and the new disk small; an ISO gets a blank disk.
      const [made, madeXml] = await virsh.batch([
        cmd.createVolume(
          pool,
          diskName,
          iso ? '20G' : String(image.capacityBytes),
          'qcow2',
          iso ? undefined : { path: image.path, format: image.format },
        ),
        cmd.volumeXml(diskName, pool),
      ]);
      unwrap(made);
      const created = parseVolume(unwrap(madeXml), pool);
      const xml = domainXml({
        name,
        vcpus,
        memoryMb,
        target,
        disk: { path: created.path, format: created.format, block: created.type === 'block' },
        cdrom: iso ? image.path : null,
        network,
        image: image.path,
        tags: spec.tags ?? {},
      });
      const [defined, started, state, dump] = await virsh.batch(
        [cmd.define(), cmd.start(name), cmd.domState(name), cmd.domXml(name)],
        { stdin: xml },
      );
      if (defined && !defined.ok) {
        await virsh.batch([cmd.deleteVolume(created.key)]);
        throw defined.error;
      }
      unwrap(started);
      return toMachine(parseDomain(unwrap(dump)), parseDomState(unwrap(state)), [], this.location);
    });
  }

  private chooseNetwork(available: string[]): string | null {
    if (this.config.network) {
      if (!available.includes(this.config.network)) {
        throw new ProviderError(
          'not-found',
          `The libvirt network '${this.config.network}' does not exist on this host.`,
        );
      }
      return this.config.network;
    }
    return available.includes('default') ? 'default' : null;
  }

  // --- snapshots, resize, clone ----------------------------------------------------------------

  /** Snapshots are libvirt's own (internal for qcow2 disks); their names are their ids. */
  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const id = domainId(machineExternalId);
    return this.read(async (virsh) => {
      const names = lines(await virsh.call(cmd.listSnapshots(id)));
      const dumps = await virsh.batch(names.map((name) => cmd.snapshotXml(id, name)));
      // A snapshot deleted between the two calls is simply not listed.
      return dumps.flatMap((d) => (d.ok ? [parseSnapshot(d.stdout)] : []));
    });
  }

  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    const id = domainId(machineExternalId);
    await this.session((virsh) => virsh.call(cmd.createSnapshot(id, name)));
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const id = domainId(machineExternalId);
    await this.session((virsh) => virsh.call(cmd.revertSnapshot(id, snapshotExternalId)));
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const id = domainId(machineExternalId);
    await this.session((virsh) => virsh.call(cmd.deleteSnapshot(id, snapshotExternalId)));
  }

  /** The domain's state, refused unless shut off: what `doing` needs. */
  private async mustBeShutOff(virsh: Virsh, id: string, doing: string): Promise<void> {
    const { state } = parseDomState(await virsh.call(cmd.domState(id)));
    if (state !== 'shut off') {
      throw new ProviderError(
        'conflict',
        `The domain is ${state}: shut it down before ${doing} (libvirt changes only the stored definition of a shut-off domain).`,
        { code: 'virsh' },
      );
    }
  }

  /** New vCPUs and memory in the stored definition, up to what the host has; the next boot uses them. */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const id = domainId(externalId);
    const { vcpus, memoryMb } = parseSize(sizeId);
    await this.session(async (virsh) => {
      await this.mustBeShutOff(virsh, id, 'resizing it');
      const host = hostLimits(await virsh.call(cmd.nodeinfo()));
      if (vcpus > host.cpus || memoryMb > host.memoryMb) {
        throw new ProviderError(
          'invalid',
          `${sizeLabel(vcpus, memoryMb)} does not fit this host (${host.cpus} CPUs, ${host.memoryMb} MiB); choose a smaller size.`,
        );
      }
      // Ceilings first, then what the guest gets: libvirt lowers the current values with a lower
      // ceiling, and refuses a current value above the ceiling.
      const results = await virsh.batch([
        cmd.setVcpus(id, vcpus, true),
        cmd.setVcpus(id, vcpus, false),
        cmd.setMaxMemory(id, memoryMb),
        cmd.setMemory(id, memoryMb),
      ]);
      for (const result of results) unwrap(result);
    });
  }

  /**
   * A new, shut-off domain from a shut-off one: its definition under the new name, and a copy
   * (`vol-clone`) of each of its writable disks in the disk's own pool. Copies are removed again
   * when the domain cannot be defined.
   */
  async cloneMachine(externalId: string, name: string): Promise<RemoteMachine> {
    const id = domainId(externalId);
    const newName = checkName(name);
    return this.session(async (virsh) => {
      await this.mustBeShutOff(virsh, id, 'cloning it');
      const [xml, names] = await virsh.batch([cmd.domXmlInactive(id), ['list', '--all', '--name']]);
      const definition = unwrap(xml);
      if (lines(unwrap(names)).includes(newName)) {
        throw new ProviderError('conflict', `A domain named ${newName} already exists on this host.`);
      }
      const disks = disksToCopy(definition);
      const pools = await virsh.batch(disks.map((d) => cmd.volumePool(d.source)));
      const copies = disks.map((disk, i) => {
        const pool = pools[i];
        if (!pool?.ok) {
          throw new ProviderError(
            'invalid',
            `Disk ${disk.target} (${disk.source}) is not a volume of a storage pool, so libvirt cannot copy it; put it in a pool or clone the machine on the host.`,
          );
        }
        return { ...disk, pool: lines(pool.stdout)[0] ?? '', name: copyName(newName, i, disk) };
      });
      const made = await virsh.batch(
        copies.flatMap((c) => [cmd.cloneVolume(c.pool, c.source, c.name), cmd.volumeXml(c.name, c.pool)]),
      );
      const newPaths = new Map<string, string>();
      const removeCopies = () =>
        virsh.batch(
          copies
            .filter((c) => newPaths.has(c.target))
            .map((c) => cmd.deleteVolume(newPaths.get(c.target) as string)),
        );
      const failed = copies.findIndex((_, i) => !made[i * 2]?.ok || !made[i * 2 + 1]?.ok);
      copies.forEach((c, i) => {
        const dump = made[i * 2 + 1];
        if (made[i * 2]?.ok && dump?.ok) newPaths.set(c.target, parseVolume(dump.stdout, c.pool).path);
      });
      if (failed !== -1) {
        await removeCopies();
        const copy = copies[failed] as (typeof copies)[number];
        const error = made[failed * 2] ?? made[failed * 2 + 1];
        throw new ProviderError(
          error && !error.ok ? error.error.kind : 'unavailable',
          `Disk ${copy.target} could not be copied to ${copy.name} in pool ${copy.pool}: ${error && !error.ok ? error.error.message : 'no answer'}`,
          { code: 'virsh' },
        );
      }
      const [defined, state, dump] = await virsh.batch(
        [cmd.define(), cmd.domState(newName), cmd.domXml(newName)],
        { stdin: cloneDefinition(definition, newName, newPaths) },
      );
      if (defined && !defined.ok) {
        await removeCopies();
        throw defined.error;
      }
      return toMachine(parseDomain(unwrap(dump)), parseDomState(unwrap(state)), [], this.location);
    });
  }

  // --- volumes, images, sizes, locations ------------------------------------------------------

  /** Every volume of every active pool, in two virsh invocations. */
  private async poolVolumes(virsh: Virsh, signal?: AbortSignal): Promise<PoolVolumes> {
    const pools = lines(await virsh.call(cmd.listPools(), { signal }));
    const listings = await virsh.batch(pools.map(cmd.listVolumes), { signal });
    const wanted: [string, string][] = [];
    listings.forEach((listing, i) => {
      if (!listing.ok) return;
      for (const row of parseTable(listing.stdout)) if (row.Name) wanted.push([pools[i] as string, row.Name]);
    });
    const dumps = await virsh.batch(
      wanted.map(([pool, name]) => cmd.volumeXml(name, pool)),
      { signal },
    );
    const volumes = dumps.flatMap((d, i) =>
      d.ok ? [parseVolume(d.stdout, (wanted[i] as [string, string])[0])] : [],
    );
    return { pools, volumes };
  }

  /** All domains' disks, to tell which volume is attached where. */
  private async domainDisks(virsh: Virsh, signal?: AbortSignal): Promise<DomainFacts[]> {
    const ids = lines(await virsh.call(cmd.listUuids(), { signal }));
    const dumps = await virsh.batch(ids.map(cmd.domXml), { signal });
    return dumps.flatMap((d) => (d.ok ? [parseDomain(d.stdout)] : []));
  }

  private attachments(volume: VolumeFacts, domains: DomainFacts[]): string[] {
    return domains
      .filter((d) =>
        d.disks.some((k) => k.source === volume.path || k.source === `${volume.pool}/${volume.name}`),
      )
      .map((d) => d.uuid);
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const volumes = await this.read(async (virsh) => {
      const { volumes } = await this.poolVolumes(virsh, signal);
      const domains = await this.domainDisks(virsh, signal);
      return volumes.map((v) => toVolume(v, this.attachments(v, domains), this.location));
    }, signal).catch((err) => {
      if (signal.aborted) return [];
      throw err;
    });
    for (const volume of volumes) {
      if (signal.aborted) return;
      yield volume;
    }
  }

  /**
   * Images are volumes that look like images: ISO files, anything in a pool named like an image
   * store (images, templates, iso, cloud, base) or listed in `imagePools`, and any volume other
   * volumes are built on (a backing file).
   */
  async listImages(): Promise<RemoteImage[]> {
    return this.read(async (virsh) => {
      const { volumes } = await this.poolVolumes(virsh);
      const backing = new Set(volumes.map((v) => v.backing).filter(Boolean));
      return volumes
        .filter(
          (v) =>
            /\.iso$/i.test(v.name) ||
            v.format === 'iso' ||
            backing.has(v.path) ||
            ((IMAGE_POOL.test(v.pool) || this.config.imagePools.includes(v.pool)) &&
              (IMAGE_FILE.test(v.name) || v.format !== null)),
        )
        .map((v) => ({
          externalId: v.key,
          name: v.name,
          os: OS_NAMES.exec(v.name)?.[1]?.toLowerCase() ?? null,
          isPublic: false,
          extra: { pool: v.pool, path: v.path, format: v.format, capacityBytes: v.capacityBytes },
        }));
    });
  }

  async listSizes(): Promise<RemoteSize[]> {
    const { cpus, memoryMb } = hostLimits(await this.read((virsh) => virsh.call(cmd.nodeinfo())));
    return PRESETS.filter(([c, m]) => c <= cpus && m <= memoryMb).map(([c, m]) => ({
      externalId: `${c}x${m}`,
      name: sizeLabel(c, m),
      cpus: c,
      memoryMb: m,
      // The disk comes from the image.
      diskGb: null,
      locations: [],
      extra: {},
    }));
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return this.read(async (virsh) => {
      const [hostname, nodeinfo, version] = await virsh.batch([
        cmd.hostname(),
        cmd.nodeinfo(),
        cmd.version(),
      ]);
      const node = parseKeyValues(unwrap(nodeinfo));
      const versions = version?.ok ? parseKeyValues(version.stdout) : {};
      return [
        {
          externalId: this.location,
          name: (hostname?.ok && hostname.stdout.trim()) || this.location,
          country: null,
          extra: {
            uri: this.config.uri,
            cpus: Number(node['CPU(s)']) || null,
            cpuModel: node['CPU model'] ?? null,
            memoryMb: Math.round(Number.parseInt(node['Memory size'] ?? '', 10) / 1024) || null,
            hypervisor: versions['Running hypervisor'] ?? null,
            libvirt: versions['Using library'] ?? null,
            hostKey: this.seenHostKey,
          },
        },
      ];
    });
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create':
        return this.session(async (virsh) => {
          if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,250}$/.test(op.name)) {
            throw new ProviderError(
              'invalid',
              `'${op.name}' is not a usable volume name (letters, digits, . _ -).`,
            );
          }
          if (!(op.sizeGb > 0)) throw new ProviderError('invalid', 'A volume needs a size above 0 GB.');
          const pool = this.choosePool(lines(await virsh.call(cmd.listPools())), op.location);
          // qcow2 only where volumes are files; block pools (LVM, disks) take raw space.
          const poolType = /<pool type='([^']+)'/.exec(await virsh.call(cmd.poolXml(pool)))?.[1] ?? 'dir';
          const fileBased = ['dir', 'fs', 'netfs'].includes(poolType);
          const [created, dump] = await virsh.batch([
            cmd.createVolume(pool, op.name, `${Math.round(op.sizeGb * 1024)}M`, fileBased ? 'qcow2' : null),
            cmd.volumeXml(op.name, pool),
          ]);
          unwrap(created);
          return toVolume(parseVolume(unwrap(dump), pool), [], this.location);
        });
      case 'attach':
        await this.session(async (virsh) => {
          const id = domainId(op.machineId);
          const [volXml, domXml, state] = await virsh.batch([
            cmd.volumeXml(op.volumeId),
            cmd.domXml(id),
            cmd.domState(id),
          ]);
          const volume = parseVolume(unwrap(volXml), '');
          const domain = parseDomain(unwrap(domXml));
          if (domain.disks.some((d) => d.source === volume.path)) {
            throw new ProviderError('conflict', `${volume.name} is already attached to ${domain.name}.`);
          }
          const live = parseDomState(unwrap(state)).state !== 'shut off';
          const target = nextTarget(domain.disks.map((d) => d.target));
          await virsh.call(
            cmd.attachDisk(id, volume.path, target, volume.format, volume.type === 'block', live),
          );
        });
        return undefined;
      case 'detach':
        await this.session(async (virsh) => {
          const id = domainId(op.machineId);
          const [volXml, domXml, state] = await virsh.batch([
            cmd.volumeXml(op.volumeId),
            cmd.domXml(id),
            cmd.domState(id),
          ]);
          const volume = parseVolume(unwrap(volXml), '');
          const domain = parseDomain(unwrap(domXml));
          const disk = domain.disks.find((d) => d.source === volume.path);
          if (!disk) throw new ProviderError('invalid', `${volume.name} is not attached to ${domain.name}.`);
          const live = parseDomState(unwrap(state)).state !== 'shut off';
          await virsh.call(cmd.detachDisk(id, disk.target, live));
        });
        return undefined;
      case 'delete':
        await this.session(async (virsh) => {
          const volume = parseVolume(await virsh.call(cmd.volumeXml(op.volumeId)), '');
          const users = (await this.domainDisks(virsh)).filter((d) =>
            d.disks.some((k) => k.source === volume.path),
          );
          if (users.length > 0) {
            throw new ProviderError(
              'conflict',
              `${volume.name} is a disk of ${users.map((u) => u.name).join(', ')}; detach it before deleting it.`,
            );
          }
          await virsh.call(cmd.deleteVolume(op.volumeId));
        });
        return undefined;
    }
  }

  private choosePool(pools: string[], requested: string | undefined): string {
    const pool = this.poolFor(pools, requested);
    if (pool) return pool;
    throw new ProviderError(
      'invalid',
      pools.length === 0
        ? 'This host has no active storage pool to create volumes in.'
        : `Several storage pools are active (${pools.join(', ')}); set storagePool to choose one.`,
    );
  }

  /** The pool for new volumes: the one asked for, the configured one, "default", or the only one. */
  private poolFor(pools: string[], requested: string | undefined): string | null {
    if (requested && pools.includes(requested)) return requested;
    const configured = this.config.storagePool;
    if (configured) {
      if (!pools.includes(configured)) {
        throw new ProviderError('not-found', `The storage pool '${configured}' is not active on this host.`);
      }
      return configured;
    }
    if (pools.includes('default')) return 'default';
    return pools.length === 1 ? (pools[0] as string) : null;
  }
}

/**
 * A driver for one libvirt host. Without `config.host`, virsh runs on this machine; with it,
 * virsh runs on that host over SSH (credentials: privateKey/passphrase or password) and every
 * argument is quoted for the remote shell.
 */
export function createLibvirtDriver(init: DriverInit<LibvirtCredentials>): LibvirtDriver {
  const config = readConfig(init.config);
  const credentials = init.credentials ?? {};
  if (config.host && !credentials.privateKey && credentials.password === undefined) {
    throw new ProviderError(
      'auth',
      `A private key or password is required to reach ${config.host.address} over SSH.`,
    );
  }
  const driver = new Driver(config, credentials, init.lookup);
  return withNetworks(driver, driver.networks);
}
