// Hetzner's /v1/images (system images and the project's snapshots) and the server actions that
// take, restore from and resize: create_image, rebuild and change_type.

import { ok, type Route } from '../common/token-api';
import type { HzProject } from './account';
import type { HzImage } from './catalog';
import { actionJson, id, page } from './routes';

/** An image as Hetzner renders it: the fields a system image lacks are null. */
const imageJson = (i: HzImage) => ({
  image_size: null,
  created_from: null,
  bound_to: null,
  protection: { delete: false },
  rapid_deploy: i.type === 'system',
  deleted: null,
  ...i,
});

export const IMAGE_ROUTES: Route<HzProject>[] = [
  [
    'GET',
    /^\/v1\/images$/,
    (ctx) => page(ctx, 'images', ctx.account.images.list(ctx.url.searchParams.get('type')), imageJson),
  ],
  ['GET', /^\/v1\/images\/([^/]+)$/, (ctx, [i]) => ok({ image: imageJson(ctx.account.images.get(id(i))) })],
  [
    'DELETE',
    /^\/v1\/images\/([^/]+)$/,
    (ctx, [i]) => {
      ctx.account.images.delete(id(i));
      return { status: 204 };
    },
  ],
  [
    'POST',
    /^\/v1\/servers\/([^/]+)\/actions\/create_image$/,
    (ctx, [s]) => {
      const { image, action } = ctx.account.images.take(id(s), ctx.body);
      return ok({ image: imageJson(image), action: actionJson(action) }, 201);
    },
  ],
  [
    'POST',
    /^\/v1\/servers\/([^/]+)\/actions\/rebuild$/,
    (ctx, [s]) => {
      const { action, rootPassword } = ctx.account.images.rebuild(id(s), ctx.body);
      return ok({ action: actionJson(action), root_password: rootPassword }, 201);
    },
  ],
  [
    'POST',
    /^\/v1\/servers\/([^/]+)\/actions\/change_type$/,
    (ctx, [s]) => ok({ action: actionJson(ctx.account.changeType(id(s), ctx.body)) }, 201),
  ],
];
