// A project's snapshots: images of type `snapshot` (/v1/images), taken of a server by its
// `create_image` action and `creating` until that action ends. A server is `rebuild`-t from an
// image in place (its disk replaced, the server itself kept), and a snapshot is deleted with
// DELETE /v1/images/{id} unless its delete protection is on.

import { randomBytes } from 'node:crypto';
import { ApiError, isObject, isoSeconds } from '../common/token-api';
import { findImage, type HzImage, IMAGES } from './catalog';

export interface SimHzSnapshot extends HzImage {
  type: 'snapshot';
  /** What the snapshot holds, in GB; null until it is taken. */
  image_size: number | null;
  created_from: { id: number; name: string };
  protection: { delete: boolean };
}

/** What the snapshots need of their project: ids, its servers (idle ones) and timed actions. */
export interface HzImageHost<A> {
  nextId(): number;
  settle(): void;
  /** The server, refused with 423 `locked` while another action runs on it. */
  idleServer(id: number): {
    id: number;
    name: string;
    status: string;
    image: HzImage;
    diskGb: number;
    type: { architecture: string };
  };
  action(command: string, serverId: number, effect: () => void): A;
}

const invalidInput = (field: string) =>
  new ApiError(400, 'invalid_input', `invalid input in field '${field}'`);
const notFound = (id: number) => new ApiError(404, 'not_found', `image with ID '${id}' not found`);
const DESCRIPTION_MAX = 255;

export class HzSnapshots<A> {
  readonly byId = new Map<number, SimHzSnapshot>();

  constructor(private readonly host: HzImageHost<A>) {}

  /** The catalogue's system images and the project's snapshots, of one type when asked. */
  list(type: string | null): HzImage[] {
    this.host.settle();
    const all: HzImage[] = [...IMAGES, ...this.byId.values()];
    return type ? all.filter((i) => i.type === type) : all;
  }

  get(id: number): HzImage {
    this.host.settle();
    const image = this.byId.get(id) ?? IMAGES.find((i) => i.id === id);
    if (!image) throw notFound(id);
    return image;
  }

  /** `create_image`: a snapshot of the server's disk as it is, `creating` until the action ends. */
  take(serverId: number, body: unknown): { image: SimHzSnapshot; action: A } {
    const server = this.host.idleServer(serverId);
    const raw = isObject(body) ? body : {};
    if ((raw.type ?? 'snapshot') !== 'snapshot') throw invalidInput('type');
    const description = raw.description ?? `${server.name}-${isoSeconds(Date.now(), '')}`;
    if (typeof description !== 'string' || description.length > DESCRIPTION_MAX)
      throw invalidInput('description');
    const image: SimHzSnapshot = {
      id: this.host.nextId(),
      type: 'snapshot',
      status: 'creating',
      name: null,
      description,
      os_flavor: server.image.os_flavor,
      os_version: server.image.os_version,
      architecture: server.image.architecture,
      disk_size: server.diskGb,
      image_size: null,
      created: isoSeconds(Date.now(), '+00:00'),
      created_from: { id: server.id, name: server.name },
      deprecated: null,
      labels: {},
      protection: { delete: false },
    };
    this.byId.set(image.id, image);
    const action = this.host.action('create_image', server.id, () => {
      image.status = 'available';
      // A fresh system's files, compressed: a small share of the disk.
      image.image_size = Math.round(server.diskGb * 0.06 * 100) / 100;
    });
    return { image, action };
  }

  /**
   * `rebuild`: the server's disk replaced by the image's, the server (id, addresses, type) kept;
   * it runs again once the action ends. A system image comes with a new root password.
   */
  rebuild(serverId: number, body: unknown): { action: A; rootPassword: string | null } {
    const server = this.host.idleServer(serverId);
    const ref = isObject(body) ? body.image : undefined;
    if (typeof ref !== 'number' && typeof ref !== 'string') throw invalidInput('image');
    this.host.settle();
    const image = this.byId.get(Number(ref)) ?? findImage(ref);
    if (image?.status !== 'available') throw invalidInput('image');
    if (image.architecture !== server.type.architecture) throw invalidInput('image');
    if (image.disk_size > server.diskGb)
      throw new ApiError(412, 'invalid_server_type', 'image disk is bigger than the server disk');
    server.status = 'rebuilding';
    const action = this.host.action('rebuild_server', server.id, () => {
      server.image = image;
      server.status = 'running';
    });
    return { action, rootPassword: image.type === 'system' ? randomBytes(12).toString('base64url') : null };
  }

  delete(id: number): void {
    this.host.settle();
    const image = this.byId.get(id);
    if (!image) throw notFound(id);
    if (image.protection.delete) throw new ApiError(403, 'protected', 'image deletion is protected');
    this.byId.delete(id);
  }
}
