import type { Cloud } from '@overcast/db';
import type { SecretBox } from '@overcast/runtime';

/** Sealed with the cloud id as associated data: a blob copied to another row will not open. */
export const sealCredentials = (box: SecretBox, cloudId: string, credentials: unknown) =>
  new Uint8Array(box.sealJson(credentials, `cloud:${cloudId}`));
export const openCredentials = (box: SecretBox, cloud: Pick<Cloud, 'id' | 'credentials'>) =>
  box.openJson<Record<string, unknown>>(cloud.credentials, `cloud:${cloud.id}`);
