// What every Resource Manager route shares: the request context, the body, paging with
// nextLink, the long-running operation answer, resource ids, and the VM lookup and busy check.

import type { SimRequest, SimResponse } from '../common/server';
import { LOCATIONS } from './catalog';
import type { ArmDns } from './dns';
import { armError, json, notFound } from './errors';
import type { Principal } from './login';
import type { ArmState, Operation, Vm } from './model';
import type { ArmNetworks } from './networks';

export interface ArmContext {
  state: ArmState;
  net: ArmNetworks;
  dns: ArmDns;
  principal: Principal;
  origin: string;
  pageSize: number;
}

export type Params = string[];
export type Handler = (ctx: ArmContext, req: SimRequest, params: Params) => SimResponse;

export const SUB = '/subscriptions/([^/]+)';
export const RG = `${SUB}/resourceGroups/([^/]+)`;
export const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$|^[a-zA-Z0-9]$/;

export function body(req: SimRequest): Record<string, unknown> | null {
  try {
    const value = JSON.parse(req.body.toString('utf8') || 'null');
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export const invalidBody = () =>
  armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');

/** A page of `items` with ARM's nextLink ($skiptoken) when more remain. */
export function page<T>(
  ctx: ArmContext,
  req: SimRequest,
  items: T[],
  render: (item: T) => unknown,
): SimResponse {
  const skip = Number(req.url.searchParams.get('$skiptoken') ?? 0) || 0;
  const slice = items.slice(skip, skip + ctx.pageSize);
  const out: Record<string, unknown> = { value: slice.map(render) };
  if (skip + ctx.pageSize < items.length) {
    const next = new URL(req.url.pathname + req.url.search, ctx.origin);
    next.searchParams.set('$skiptoken', String(skip + ctx.pageSize));
    out.nextLink = next.toString();
  }
  return json(200, out);
}

/** 201/202 with the headers a client polls, as Microsoft.Compute (or `namespace`) answers a long-running call. */
export function accepted(
  ctx: ArmContext,
  op: Operation,
  status = 202,
  payload?: unknown,
  namespace: 'Microsoft.Compute' | 'Microsoft.Network' = 'Microsoft.Compute',
): SimResponse {
  const apiVersion = namespace === 'Microsoft.Compute' ? '2024-07-01' : '2024-05-01';
  const base = `${ctx.origin}/subscriptions/${op.subscriptionId}/providers/${namespace}/locations/${op.location}/operations/${op.id}?api-version=${apiVersion}`;
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'azure-asyncoperation': base,
      location: `${base}&monitor=true`,
      'retry-after': '0',
      'azure-asyncnotification': 'Enabled',
    },
    body: payload === undefined ? '' : JSON.stringify(payload),
  };
}

export const sameSub = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
export const inSub = <T extends { subscriptionId: string }>(items: Iterable<T>, sub: string) =>
  [...items].filter((i) => sameSub(i.subscriptionId, sub));
export const vmId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
export const diskId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/disks/${name}`;

export function findVm(ctx: ArmContext, [sub, rg, name]: Params): Vm | SimResponse {
  return ctx.state.vm(vmId(sub!, rg!, name!)) ?? notFound('Microsoft.Compute/virtualMachines', name!, rg!);
}

/** A VM in the middle of being created or deleted refuses other operations, as Azure does. */
export function busy(vm: Vm): SimResponse | null {
  if (vm.provisioningState === 'Deleting' || vm.provisioningState === 'Creating')
    return armError(
      409,
      'OperationNotAllowed',
      `Operation cannot be performed on VM '${vm.name}' because its provisioning state is '${vm.provisioningState}'.`,
    );
  return null;
}

/**
 * Where a new Microsoft.Compute resource goes: its location, normalised, or ARM's refusal of the
 * resource group, the name or the location.
 */
export function placement(
  ctx: ArmContext,
  [sub, rg, name]: Params,
  rawLocation: unknown,
  type: string,
): { location: string } | SimResponse {
  if (!ctx.state.hasResourceGroup(sub!, rg!))
    return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  if (!NAME_RE.test(name!))
    return armError(400, 'InvalidResourceName', `The resource name '${name}' is invalid.`);
  const location = String(rawLocation ?? '')
    .toLowerCase()
    .replaceAll(' ', '');
  if (!LOCATIONS.some((l) => l.name === location))
    return armError(
      400,
      'LocationNotAvailableForResourceType',
      `The provided location '${rawLocation}' is not available for resource type '${type}'.`,
    );
  return { location };
}
