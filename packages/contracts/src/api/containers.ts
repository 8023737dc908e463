import { type Static, Type as T } from '@sinclair/typebox';
import { Strict } from './common';

// Docker clouds: creating containers (with the image pull's progress) and the engine's facts.

const Line = (description: string, maxLength = 512) => T.String({ minLength: 1, maxLength, description });

export const CreateContainerRequest = Strict({
  image: T.String({
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._/:@-]*$',
    description:
      'Image reference, e.g. nginx:1.27 or ghcr.io/org/app@sha256:…; pulled when the engine lacks it',
  }),
  name: T.Optional(
    T.String({
      minLength: 2,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]+$',
      description: 'Container name',
    }),
  ),
  command: T.Optional(
    T.Array(T.String({ maxLength: 4096 }), {
      maxItems: 64,
      description: 'Command and arguments (overrides the image CMD)',
    }),
  ),
  env: T.Optional(
    T.Record(
      T.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
      T.String({ maxLength: 32_768 }),
      {
        description: 'Environment variables',
        additionalProperties: false,
      },
    ),
  ),
  ports: T.Optional(
    T.Array(Line('8080:80, 127.0.0.1:8080:80/udp, or 80 (exposed only)', 64), { maxItems: 64 }),
  ),
  volumes: T.Optional(
    T.Array(Line('name:/path (named volume), /host/path:/path (bind) or /path (anonymous)', 1024), {
      maxItems: 64,
    }),
  ),
  restartPolicy: T.Optional(
    T.Union([T.Literal('no'), T.Literal('always'), T.Literal('unless-stopped'), T.Literal('on-failure')]),
  ),
  labels: T.Optional(
    T.Record(T.String({ minLength: 1, maxLength: 256 }), T.String({ maxLength: 4096 }), {
      description: 'Labels, shown as the machine’s tags',
    }),
  ),
  start: T.Optional(T.Boolean({ description: 'Start it once created (default true)' })),
});
export type CreateContainerRequest = Static<typeof CreateContainerRequest>;

/**
 * POST /clouds/{id}/containers answers with newline-delimited JSON: `progress` lines while
 * the image is pulled, then one `done` (with the new machine's id) or one `error`.
 */
export type ContainerCreateLine =
  | { type: 'progress'; status: string; layer: string | null; current: number | null; total: number | null }
  | { type: 'done'; machineId: string; name: string }
  | { type: 'error'; error: { code: string; message: string } };

export const EngineFacts = T.Object({
  name: T.String(),
  version: T.String(),
  apiVersion: T.String(),
  os: T.String(),
  kernel: T.String(),
  cpus: T.Integer(),
  memoryBytes: T.Integer(),
  containers: T.Object({
    total: T.Integer(),
    running: T.Integer(),
    paused: T.Integer(),
    stopped: T.Integer(),
  }),
  images: T.Integer(),
});
export type EngineFacts = Static<typeof EngineFacts>;
