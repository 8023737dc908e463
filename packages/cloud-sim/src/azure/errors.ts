// Azure Resource Manager's error body: { "error": { "code", "message" } }.

import type { SimResponse } from '../common/server';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-ms-request-id': crypto.randomUUID(),
    ...headers,
  },
  body: JSON.stringify(body),
});

export const armError = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) => json(status, { error: { code, message } }, headers);

export const notFound = (type: string, name: string, rg: string) =>
  armError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

export const throttled = (retryAfterSeconds: number) =>
  armError(
    429,
    'TooManyRequests',
    'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits',
    { 'retry-after': String(retryAfterSeconds), 'x-ms-ratelimit-remaining-subscription-reads': '0' },
  );
