import { type ImageInfo, MACHINE_TYPES, PUBLIC_IMAGES, ZONES } from './catalog';
import { GceApiError, invalidField, notFound } from './errors';
import { links } from './links';
import { NETWORK_ROUTES, waitForOperation } from './network-routes';
import { page, scoped } from './paging';
import { diskJson, imageJson, instanceJson, machineTypeJson, operationJson, zoneJson } from './render';
import type { GceRoute } from './route-types';

function aggregated(
  kind: string,
  id: string,
  selfLink: string,
  items: Record<string, unknown>,
  nextPageToken?: string,
) {
  return { kind, id, items, ...(nextPageToken ? { nextPageToken } : {}), selfLink };
}

const instanceRoutes: GceRoute[] = [
  {
    method: 'GET',
    pattern: /^aggregated\/instances$/,
    permission: 'compute.instances.list',
    handle: ({ project, url }) => {
      const { slice, nextPageToken } = page(project.sortedInstances(), url);
      return aggregated(
        'compute#instanceAggregatedList',
        `projects/${project.id}/aggregated/instances`,
        `${links.project(project.id)}/aggregated/instances`,
        scoped(
          project.zones,
          slice,
          (i) => i.zone,
          'instances',
          (i) => instanceJson(project.id, i, project.disks),
        ),
        nextPageToken,
      );
    },
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/instances$/,
    permission: 'compute.instances.list',
    handle: ({ project, url }, [zone]) => {
      project.requireZone(zone!);
      const inZone = project.sortedInstances().filter((i) => i.zone === zone);
      const { slice, nextPageToken } = page(inZone, url);
      return {
        kind: 'compute#instanceList',
        id: `projects/${project.id}/zones/${zone}/instances`,
        items: slice.map((i) => instanceJson(project.id, i, project.disks)),
        ...(nextPageToken ? { nextPageToken } : {}),
        selfLink: `${links.zone(project.id, zone!)}/instances`,
      };
    },
  },
  {
    method: 'POST',
    pattern: /^zones\/([^/]+)\/instances$/,
    permission: 'compute.instances.create',
    handle: ({ project, body, user }, [zone]) =>
      operationJson(project.id, project.insertInstance(zone!, body, user)),
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/instances\/([^/]+)$/,
    permission: 'compute.instances.get',
    handle: ({ project }, [zone, name]) =>
      instanceJson(project.id, project.getInstance(zone!, name!), project.disks),
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/instances\/([^/]+)\/serialPort$/,
    permission: 'compute.instances.getSerialPortOutput',
    handle: ({ project, url }, [zone, name]) => {
      const int = (param: string, fallback: number) => {
        const raw = url.searchParams.get(param);
        if (raw === null) return fallback;
        if (!/^-?\d{1,15}$/.test(raw)) throw invalidField(param, `'${raw}' is not an integer.`);
        return Number(raw);
      };
      const out = project.serialPortOutput(zone!, name!, int('port', 1), int('start', 0));
      return {
        kind: 'compute#serialPortOutput',
        contents: out.contents,
        start: String(out.start),
        next: String(out.next),
        selfLink: `${links.instance(project.id, zone!, name!)}/serialPort`,
      };
    },
  },
  {
    method: 'DELETE',
    pattern: /^zones\/([^/]+)\/instances\/([^/]+)$/,
    permission: 'compute.instances.delete',
    handle: ({ project, user }, [zone, name]) =>
      operationJson(project.id, project.deleteInstance(zone!, name!, user)),
  },
  {
    method: 'POST',
    pattern:
      /^zones\/([^/]+)\/instances\/([^/]+)\/(start|stop|reset|setLabels|setName|setMachineType|attachDisk|detachDisk)$/,
    permission: 'compute.instances.update',
    handle: ({ project, body, user, url }, [zone, name, verb]) => {
      const z = zone!;
      const n = name!;
      const op = {
        start: () => project.start(z, n, user),
        stop: () => project.stop(z, n, user),
        reset: () => project.reset(z, n, user),
        setLabels: () => project.setLabels(z, n, body, user),
        setName: () => project.setName(z, n, body, user),
        setMachineType: () => project.setMachineType(z, n, body, user),
        attachDisk: () => project.attachDisk(z, n, body, user),
        detachDisk: () => project.detachDisk(z, n, url.searchParams.get('deviceName'), user),
      }[verb as 'start']();
      return operationJson(project.id, op);
    },
  },
];

const diskRoutes: GceRoute[] = [
  {
    method: 'GET',
    pattern: /^aggregated\/disks$/,
    permission: 'compute.disks.list',
    handle: ({ project, url }) => {
      const { slice, nextPageToken } = page(project.sortedDisks(), url);
      return aggregated(
        'compute#diskAggregatedList',
        `projects/${project.id}/aggregated/disks`,
        `${links.project(project.id)}/aggregated/disks`,
        scoped(
          project.zones,
          slice,
          (d) => d.zone,
          'disks',
          (d) => diskJson(project.id, d),
        ),
        nextPageToken,
      );
    },
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/disks$/,
    permission: 'compute.disks.list',
    handle: ({ project, url }, [zone]) => {
      project.requireZone(zone!);
      const { slice, nextPageToken } = page(
        project.sortedDisks().filter((d) => d.zone === zone),
        url,
      );
      return {
        kind: 'compute#diskList',
        id: `projects/${project.id}/zones/${zone}/disks`,
        items: slice.map((d) => diskJson(project.id, d)),
        ...(nextPageToken ? { nextPageToken } : {}),
        selfLink: `${links.zone(project.id, zone!)}/disks`,
      };
    },
  },
  {
    method: 'POST',
    pattern: /^zones\/([^/]+)\/disks$/,
    permission: 'compute.disks.create',
    handle: ({ project, body, user, url }, [zone]) =>
      operationJson(project.id, project.insertDisk(zone!, body, url.searchParams.get('sourceImage'), user)),
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/disks\/([^/]+)$/,
    permission: 'compute.disks.get',
    handle: ({ project }, [zone, name]) => diskJson(project.id, project.getDisk(zone!, name!)),
  },
  {
    method: 'POST',
    pattern: /^zones\/([^/]+)\/disks\/([^/]+)\/createSnapshot$/,
    permission: 'compute.disks.createSnapshot',
    handle: ({ project, body, user }, [zone, name]) =>
      operationJson(project.id, project.createSnapshot(zone!, name!, body, user)),
  },
  {
    method: 'DELETE',
    pattern: /^zones\/([^/]+)\/disks\/([^/]+)$/,
    permission: 'compute.disks.delete',
    handle: ({ project, user }, [zone, name]) =>
      operationJson(project.id, project.deleteDisk(zone!, name!, user)),
  },
];

const snapshotRoutes: GceRoute[] = [
  {
    method: 'GET',
    pattern: /^global\/snapshots$/,
    permission: 'compute.snapshots.list',
    handle: ({ project, url }) => {
      const { slice, nextPageToken } = page(project.snapshots.list(url.searchParams.get('filter')), url);
      return {
        kind: 'compute#snapshotList',
        id: `projects/${project.id}/global/snapshots`,
        items: slice.map((s) => project.snapshots.json(s)),
        ...(nextPageToken ? { nextPageToken } : {}),
        selfLink: `${links.project(project.id)}/global/snapshots`,
      };
    },
  },
  {
    method: 'GET',
    pattern: /^global\/snapshots\/([^/]+)$/,
    permission: 'compute.snapshots.get',
    handle: ({ project }, [name]) => project.snapshots.json(project.snapshots.get(name!)),
  },
  {
    method: 'DELETE',
    pattern: /^global\/snapshots\/([^/]+)$/,
    permission: 'compute.snapshots.delete',
    handle: ({ project, user }, [name]) => operationJson(project.id, project.deleteSnapshot(name!, user)),
  },
];

const catalogRoutes: GceRoute[] = [
  {
    method: 'GET',
    pattern: /^aggregated\/machineTypes$/,
    permission: 'compute.machineTypes.list',
    handle: ({ project, url }) => {
      const all = project.zones.flatMap((zone) => MACHINE_TYPES.map((t) => ({ zone, t })));
      const { slice, nextPageToken } = page(all, url);
      return aggregated(
        'compute#machineTypeAggregatedList',
        `projects/${project.id}/aggregated/machineTypes`,
        `${links.project(project.id)}/aggregated/machineTypes`,
        scoped(
          project.zones,
          slice,
          (x) => x.zone,
          'machineTypes',
          (x) => machineTypeJson(project.id, x.zone, x.t),
        ),
        nextPageToken,
      );
    },
  },
  {
    method: 'GET',
    pattern: /^zones$/,
    permission: 'compute.zones.list',
    handle: ({ project, url }) => {
      const { slice, nextPageToken } = page(
        ZONES.filter((z) => project.zones.includes(z.name)),
        url,
      );
      return {
        kind: 'compute#zoneList',
        id: `projects/${project.id}/zones`,
        items: slice.map((z) => zoneJson(project.id, z)),
        ...(nextPageToken ? { nextPageToken } : {}),
        selfLink: `${links.project(project.id)}/zones`,
      };
    },
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)$/,
    permission: 'compute.zones.get',
    handle: ({ project }, [zone]) => {
      project.requireZone(zone!);
      return zoneJson(project.id, ZONES.find((z) => z.name === zone)!);
    },
  },
  {
    method: 'GET',
    pattern: /^zones\/([^/]+)\/operations\/([^/]+)$/,
    permission: 'compute.zoneOperations.get',
    handle: ({ project }, [zone, name]) => operationJson(project.id, project.getOperation(zone!, name!)),
  },
  {
    method: 'POST',
    pattern: /^zones\/([^/]+)\/operations\/([^/]+)\/wait$/,
    permission: 'compute.zoneOperations.get',
    handle: ({ project, waitCapMs }, [zone, name]) =>
      waitForOperation(project, 'zones', zone!, name!, waitCapMs),
  },
  {
    method: 'GET',
    pattern: /^global\/images$/,
    permission: 'compute.images.list',
    handle: ({ project, url }) => imageList(project.id, project.images, url),
  },
  {
    method: 'GET',
    pattern: /^global\/images\/family\/([^/]+)$/,
    permission: 'compute.images.getFromFamily',
    handle: ({ project }, [family]) => {
      const image = project.images.find((i) => i.family === family && !i.deprecated);
      if (!image) throw notFound(`projects/${project.id}/global/images/family/${family}`);
      return imageJson(image);
    },
  },
  {
    method: 'GET',
    pattern: /^global\/images\/([^/]+)$/,
    permission: 'compute.images.get',
    handle: ({ project }, [name]) => {
      const image = project.images.find((i) => i.name === name);
      if (!image) throw notFound(`projects/${project.id}/global/images/${name}`);
      return imageJson(image);
    },
  },
];

export const PROJECT_ROUTES: GceRoute[] = [
  ...instanceRoutes,
  ...diskRoutes,
  ...snapshotRoutes,
  ...catalogRoutes,
  ...NETWORK_ROUTES,
];

export function imageList(projectId: string, images: readonly ImageInfo[], url: URL) {
  const { slice, nextPageToken } = page(images, url);
  return {
    kind: 'compute#imageList',
    id: `projects/${projectId}/global/images`,
    items: slice.map(imageJson),
    ...(nextPageToken ? { nextPageToken } : {}),
    selfLink: `${links.project(projectId)}/global/images`,
  };
}

/** Public image projects (debian-cloud, ...) are readable by every authenticated caller. */
export function publicImages(projectId: string, rest: string, url: URL): unknown {
  const images = PUBLIC_IMAGES.filter((i) => i.project === projectId);
  if (rest === 'global/images') return imageList(projectId, images, url);
  const family = /^global\/images\/family\/([^/]+)$/.exec(rest)?.[1];
  const name = /^global\/images\/([^/]+)$/.exec(rest)?.[1];
  const image = family
    ? images.find((i) => i.family === family && !i.deprecated)
    : images.find((i) => i.name === name);
  if (!image) throw notFound(`projects/${projectId}/${rest}`);
  return imageJson(image);
}

export function matchRoute(
  method: string,
  rest: string,
): { route: GceRoute; params: string[] } | GceApiError {
  let pathKnown = false;
  for (const route of PROJECT_ROUTES) {
    const m = route.pattern.exec(rest);
    if (!m) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: m.slice(1) };
  }
  return pathKnown
    ? new GceApiError(
        405,
        'httpMethodNotAllowed',
        `HTTP method ${method} is not supported by this URL`,
        'UNIMPLEMENTED',
      )
    : new GceApiError(404, 'notFound', `The requested URL was not found on this server.`, 'NOT_FOUND');
}
