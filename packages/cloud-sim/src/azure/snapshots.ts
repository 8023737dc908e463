// Microsoft.Compute/snapshots: a managed disk copied at one moment (PUT with creationData
// { createOption: "Copy", sourceResourceId: the disk }), listed per subscription or resource
// group, read and deleted; creating and deleting are long-running operations.

import type { SimRequest, SimResponse } from '../common/server';
import { type ArmContext, accepted, body, inSub, invalidBody, type Params, page, placement } from './arm';
import { armError, json, notFound } from './errors';
import type { Snapshot } from './model';
import { renderSnapshot } from './render';

const snapshotId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/snapshots/${name}`;

interface SnapshotBody {
  location?: string;
  tags?: Record<string, string>;
  properties?: {
    incremental?: boolean;
    creationData?: { createOption?: string; sourceResourceId?: string };
  };
}

export function putSnapshot(ctx: ArmContext, req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const b = body(req) as SnapshotBody | null;
  if (!b) return invalidBody();
  const id = snapshotId(sub!, rg!, name!);
  const existing = state.snapshot(id);
  if (existing) {
    // Only the tags of a snapshot change; what it holds is fixed.
    if (b.tags && typeof b.tags === 'object') existing.tags = b.tags;
    return json(200, renderSnapshot(existing));
  }
  const placed = placement(ctx, [sub!, rg!, name!], b.location, 'Microsoft.Compute/snapshots');
  if ('status' in placed) return placed;
  const { location } = placed;
  const creation = b.properties?.creationData;
  if (creation?.createOption !== 'Copy' || typeof creation.sourceResourceId !== 'string')
    return armError(
      400,
      'InvalidParameter',
      "Required parameter 'creationData.sourceResourceId' is missing (null) for createOption 'Copy'.",
    );
  const source = state.disk(creation.sourceResourceId);
  if (!source) return armError(404, 'NotFound', `Resource ${creation.sourceResourceId} is not found.`);
  if (source.location !== location)
    return armError(
      400,
      'InvalidParameter',
      `The snapshot must be in the same location as its source disk: ${source.location}.`,
    );
  const snapshot: Snapshot = {
    id,
    subscriptionId: sub!,
    resourceGroup: rg!,
    name: name!,
    location,
    sizeGb: source.sizeGb,
    osType: source.osType,
    sourceResourceId: source.id,
    sourceUniqueId: source.uniqueId,
    incremental: b.properties?.incremental === true,
    provisioningState: 'Creating',
    tags: b.tags ?? {},
    timeCreated: new Date().toISOString(),
    uniqueId: crypto.randomUUID(),
  };
  state.snapshots.set(id.toLowerCase(), snapshot);
  const op = state.operation(sub!, location, () => {
    snapshot.provisioningState = 'Succeeded';
  });
  op.result = () => renderSnapshot(snapshot);
  return accepted(ctx, op, 202, renderSnapshot(snapshot));
}

export function getSnapshot(ctx: ArmContext, _req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const snapshot = ctx.state.snapshot(snapshotId(sub!, rg!, name!));
  return snapshot ? json(200, renderSnapshot(snapshot)) : notFound('Microsoft.Compute/snapshots', name!, rg!);
}

export function listSnapshots(ctx: ArmContext, req: SimRequest, [sub, rg]: Params): SimResponse {
  const all = inSub(ctx.state.snapshots.values(), sub!);
  const items = rg ? all.filter((s) => s.resourceGroup.toLowerCase() === rg.toLowerCase()) : all;
  return page(ctx, req, items, renderSnapshot);
}

export function deleteSnapshot(ctx: ArmContext, _req: SimRequest, [sub, rg, name]: Params): SimResponse {
  const { state } = ctx;
  const snapshot = state.snapshot(snapshotId(sub!, rg!, name!));
  if (!snapshot) return { status: 204 };
  snapshot.provisioningState = 'Deleting';
  const op = state.operation(snapshot.subscriptionId, snapshot.location, () => {
    state.snapshots.delete(snapshot.id.toLowerCase());
  });
  return accepted(ctx, op);
}
