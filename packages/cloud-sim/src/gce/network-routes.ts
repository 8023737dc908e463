// global/networks, regions/*/subnetworks (and their aggregated list), global/firewalls, and the
// global and regional operations their changes return.

import { links } from './links';
import type { OperationScope } from './model';
import { firewallJson, networkJson, subnetworkJson } from './network-render';
import { page } from './paging';
import type { GceProject } from './project';
import { operationJson } from './render';
import type { GceRoute } from './route-types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function list(kind: string, id: string, selfLink: string, items: readonly unknown[], url: URL) {
  const { slice, nextPageToken } = page(items, url);
  return { kind, id, items: slice, ...(nextPageToken ? { nextPageToken } : {}), selfLink };
}

/** operations.wait: blocks until DONE or the cap, then answers with the operation as it stands. */
export async function waitForOperation(
  project: GceProject,
  scope: OperationScope,
  where: string,
  name: string,
  capMs: number,
) {
  const deadline = Date.now() + capMs;
  let op = project.getOperation(where, name, scope);
  while (op.status !== 'DONE' && Date.now() < deadline) {
    // Timers may fire a millisecond early; poll again rather than answer too soon.
    await sleep(Math.max(1, Math.min(op.doneAt - Date.now(), deadline - Date.now())));
    op = project.getOperation(where, name, scope);
  }
  return operationJson(project.id, op);
}

const sortedSubnets = (project: GceProject) =>
  [...project.net.subnetworks.values()].sort(
    (a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name),
  );

export const NETWORK_ROUTES: GceRoute[] = [
  {
    method: 'GET',
    pattern: /^global\/networks$/,
    permission: 'compute.networks.list',
    handle: ({ project, url }) => {
      const subnets = sortedSubnets(project);
      const items = [...project.net.networks.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((n) => networkJson(project.id, n, subnets));
      return list(
        'compute#networkList',
        `projects/${project.id}/global/networks`,
        `${links.project(project.id)}/global/networks`,
        items,
        url,
      );
    },
  },
  {
    method: 'POST',
    pattern: /^global\/networks$/,
    permission: 'compute.networks.create',
    handle: ({ project, body, user }) => operationJson(project.id, project.insertNetwork(body, user)),
  },
  {
    method: 'GET',
    pattern: /^global\/networks\/([^/]+)$/,
    permission: 'compute.networks.get',
    handle: ({ project }, [name]) =>
      networkJson(project.id, project.net.getNetwork(name!), sortedSubnets(project)),
  },
  {
    method: 'DELETE',
    pattern: /^global\/networks\/([^/]+)$/,
    permission: 'compute.networks.delete',
    handle: ({ project, user }, [name]) => operationJson(project.id, project.deleteNetwork(name!, user)),
  },
  {
    method: 'GET',
    pattern: /^aggregated\/subnetworks$/,
    permission: 'compute.subnetworks.list',
    handle: ({ project, url }) => {
      const { slice, nextPageToken } = page(sortedSubnets(project), url);
      const items: Record<string, unknown> = {};
      for (const region of project.net.regions) {
        const here = slice.filter((s) => s.region === region);
        const scope = `regions/${region}`;
        items[scope] = here.length
          ? { subnetworks: here.map((s) => subnetworkJson(project.id, s)) }
          : {
              warning: {
                code: 'NO_RESULTS_ON_PAGE',
                message: `There are no results for scope '${scope}' on this page.`,
                data: [{ key: 'scope', value: scope }],
              },
            };
      }
      return {
        kind: 'compute#subnetworkAggregatedList',
        id: `projects/${project.id}/aggregated/subnetworks`,
        items,
        ...(nextPageToken ? { nextPageToken } : {}),
        selfLink: `${links.project(project.id)}/aggregated/subnetworks`,
      };
    },
  },
  {
    method: 'GET',
    pattern: /^regions\/([^/]+)\/subnetworks$/,
    permission: 'compute.subnetworks.list',
    handle: ({ project, url }, [region]) => {
      project.net.requireRegion(region!);
      return list(
        'compute#subnetworkList',
        `projects/${project.id}/regions/${region}/subnetworks`,
        `${links.region(project.id, region!)}/subnetworks`,
        sortedSubnets(project)
          .filter((s) => s.region === region)
          .map((s) => subnetworkJson(project.id, s)),
        url,
      );
    },
  },
  {
    method: 'POST',
    pattern: /^regions\/([^/]+)\/subnetworks$/,
    permission: 'compute.subnetworks.create',
    handle: ({ project, body, user }, [region]) =>
      operationJson(project.id, project.insertSubnetwork(region!, body, user)),
  },
  {
    method: 'GET',
    pattern: /^regions\/([^/]+)\/subnetworks\/([^/]+)$/,
    permission: 'compute.subnetworks.get',
    handle: ({ project }, [region, name]) =>
      subnetworkJson(project.id, project.net.getSubnetwork(region!, name!)),
  },
  {
    method: 'DELETE',
    pattern: /^regions\/([^/]+)\/subnetworks\/([^/]+)$/,
    permission: 'compute.subnetworks.delete',
    handle: ({ project, user }, [region, name]) =>
      operationJson(project.id, project.deleteSubnetwork(region!, name!, user)),
  },
  {
    method: 'GET',
    pattern: /^global\/firewalls$/,
    permission: 'compute.firewalls.list',
    handle: ({ project, url }) =>
      list(
        'compute#firewallList',
        `projects/${project.id}/global/firewalls`,
        `${links.project(project.id)}/global/firewalls`,
        [...project.net.firewalls.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((f) => firewallJson(project.id, f)),
        url,
      ),
  },
  {
    method: 'POST',
    pattern: /^global\/firewalls$/,
    permission: 'compute.firewalls.create',
    handle: ({ project, body, user }) => operationJson(project.id, project.insertFirewall(body, user)),
  },
  {
    method: 'GET',
    pattern: /^global\/firewalls\/([^/]+)$/,
    permission: 'compute.firewalls.get',
    handle: ({ project }, [name]) => firewallJson(project.id, project.net.getFirewall(name!)),
  },
  {
    method: 'PATCH',
    pattern: /^global\/firewalls\/([^/]+)$/,
    permission: 'compute.firewalls.update',
    handle: ({ project, body, user }, [name]) =>
      operationJson(project.id, project.patchFirewall(name!, body, user)),
  },
  {
    method: 'DELETE',
    pattern: /^global\/firewalls\/([^/]+)$/,
    permission: 'compute.firewalls.delete',
    handle: ({ project, user }, [name]) => operationJson(project.id, project.deleteFirewall(name!, user)),
  },
  {
    method: 'GET',
    pattern: /^global\/operations\/([^/]+)$/,
    permission: 'compute.globalOperations.get',
    handle: ({ project }, [name]) => operationJson(project.id, project.getOperation('', name!, 'global')),
  },
  {
    method: 'POST',
    pattern: /^global\/operations\/([^/]+)\/wait$/,
    permission: 'compute.globalOperations.get',
    handle: ({ project, waitCapMs }, [name]) => waitForOperation(project, 'global', '', name!, waitCapMs),
  },
  {
    method: 'GET',
    pattern: /^regions\/([^/]+)\/operations\/([^/]+)$/,
    permission: 'compute.regionOperations.get',
    handle: ({ project }, [region, name]) =>
      operationJson(project.id, project.getOperation(region!, name!, 'regions')),
  },
  {
    method: 'POST',
    pattern: /^regions\/([^/]+)\/operations\/([^/]+)\/wait$/,
    permission: 'compute.regionOperations.get',
    handle: ({ project, waitCapMs }, [region, name]) =>
      waitForOperation(project, 'regions', region!, name!, waitCapMs),
  },
];
