import type { Runtime } from '@overcast/runtime';

// The parts of the Runtime that core functions ask for, named once. A caller passes its runtime
// as it is; a test passes just these fields.

/** Reads and seals secrets kept in the database: keys, credentials, webhook secrets. */
export type SecretsRuntime = Pick<Runtime, 'db' | 'box'>;

/** Builds a stored cloud's driver: its credentials, and the outbound rules from settings. */
export type DriverRuntime = Pick<Runtime, 'box' | 'settings'>;

/** Reaches clouds and machines (drivers, SSH) on behalf of records in the database. */
export type CloudRuntime = Pick<Runtime, 'db' | 'box' | 'settings'>;

/** Writes records and announces the change on the live stream. */
export type AnnounceRuntime = Pick<Runtime, 'db' | 'redis'>;

/** Acts on machines through their providers, publishes the change and polls the cloud at once. */
export type ActionRuntime = Pick<Runtime, 'db' | 'box' | 'settings' | 'redis' | 'queues'>;

/** Polls a cloud: its driver, the database it syncs into, and Redis for the live events. */
export type PollRuntime = Pick<Runtime, 'db' | 'box' | 'settings' | 'redis'>;

/** Follows Docker engines' events and polls on them, logging what it could not do. */
export type WatchRuntime = PollRuntime & Pick<Runtime, 'logger'>;
