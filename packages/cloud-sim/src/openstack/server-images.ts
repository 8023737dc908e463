// The server actions that change a server's flavor or disk, as Nova runs them: resize (RESIZE,
// then VERIFY_RESIZE until confirmResize), createImage (a Glance image with the server's
// instance_uuid and image_type=snapshot, queued then active) and rebuild (REBUILD, the root disk
// replaced by the image, the server back in the state it was in). Refusals in Nova's words.

import { randomUUID } from 'node:crypto';
import type { Timeline } from '../common/timeline';
import { isObject, type SimTiming } from '../common/token-api';
import { findFlavor, type OsImage } from './catalog';
import { badRequest, conflicting } from './errors';
import type { SimOsServer } from './server';

/** What these actions need of the project the server is in. */
export interface ImageHost {
  readonly timeline: Timeline;
  readonly timing: SimTiming;
  readonly images: Map<string, OsImage>;
  image(region: string, ref: unknown): OsImage | undefined;
}

const refuse = (server: SimOsServer, action: string) =>
  conflicting(
    `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.status === 'SHUTOFF' ? 'stopped' : server.status.toLowerCase()}`,
  );

/** Nova resizes an active or a stopped server; the disk may grow, never shrink. */
export function resize(host: ImageHost, server: SimOsServer, body: unknown): void {
  if (server.status !== 'ACTIVE' && server.status !== 'SHUTOFF') throw refuse(server, 'resize');
  const ref = isObject(body) ? body.flavorRef : undefined;
  if (ref === undefined)
    throw badRequest(
      "Invalid input for field/attribute resize. Value: {}. 'flavorRef' is a required property",
    );
  const flavor = findFlavor(ref);
  if (!flavor) throw badRequest('Unable to locate requested flavor.');
  if (flavor.id === server.flavor.id) throw badRequest('When resizing, instances must change flavor!');
  if (flavor.disk < server.flavor.disk) throw badRequest('Resize error: Unable to resize disk down.');
  server.resize = { from: server.flavor, wasStopped: server.status === 'SHUTOFF' };
  server.status = 'RESIZE';
  server.taskState = 'resize_prep';
  host.timeline.schedule(host.timing.actionDelayMs, () => {
    server.flavor = flavor;
    server.status = 'VERIFY_RESIZE';
    server.taskState = null;
  });
}

/** Ends a resize: the server keeps its new flavor and goes back to running or shut off. */
export function confirmResize(_host: ImageHost, server: SimOsServer): void {
  if (server.status !== 'VERIFY_RESIZE' || !server.resize) throw badRequest('Instance has not been resized.');
  server.status = server.resize.wasStopped ? 'SHUTOFF' : 'ACTIVE';
  server.resize = null;
}

/** A snapshot of the server's root disk into Glance; returns the new image. */
export function createImage(host: ImageHost, server: SimOsServer, body: unknown): OsImage {
  if (server.status !== 'ACTIVE' && server.status !== 'SHUTOFF') throw refuse(server, 'createImage');
  const name = isObject(body) ? body.name : undefined;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255)
    throw badRequest(
      `Invalid input for field/attribute name. Value: ${String(name)}. '${String(name)}' is not a valid name`,
    );
  const image: OsImage = {
    id: randomUUID(),
    name,
    osDistro: server.image.osDistro,
    visibility: 'private',
    minDisk: server.flavor.disk,
    // What the root disk holds: the image it was built from and what was written since.
    size: server.image.size + 64 * 1024 ** 2,
    createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: server.region,
    status: 'queued',
    properties: {
      instance_uuid: server.id,
      image_type: 'snapshot',
      base_image_ref: server.image.id,
    },
  };
  host.images.set(image.id, image);
  server.taskState = 'image_snapshot';
  host.timeline.schedule(Math.min(host.timing.actionDelayMs, 50), () => {
    image.status = 'saving';
    server.taskState = 'image_uploading';
  });
  host.timeline.schedule(host.timing.actionDelayMs, () => {
    image.status = 'active';
    server.taskState = null;
  });
  return image;
}

/** Rebuilds the server from an image in place: same id and addresses, the root disk replaced. */
export function rebuild(host: ImageHost, server: SimOsServer, body: unknown): void {
  if (server.status !== 'ACTIVE' && server.status !== 'SHUTOFF' && server.status !== 'ERROR')
    throw refuse(server, 'rebuild');
  const ref = isObject(body) ? body.imageRef : undefined;
  if (typeof ref !== 'string')
    throw badRequest(
      "Invalid input for field/attribute rebuild. Value: {}. 'imageRef' is a required property",
    );
  const image = host.image(server.region, ref);
  if (!image) throw badRequest('Can not find requested image');
  if ((image.status ?? 'active') !== 'active') throw badRequest(`Image ${image.id} is not active.`);
  if (image.minDisk > server.flavor.disk)
    throw badRequest(
      `Flavor's disk is too small for requested image. Flavor disk is ${server.flavor.disk * 1024 ** 3} bytes, minimum required by image is ${image.minDisk * 1024 ** 3} bytes.`,
    );
  const after = server.status === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE';
  server.status = 'REBUILD';
  server.taskState = 'rebuilding';
  host.timeline.schedule(host.timing.actionDelayMs, () => {
    server.image = image;
    server.status = after;
    server.taskState = null;
  });
}
