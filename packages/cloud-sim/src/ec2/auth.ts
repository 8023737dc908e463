import { regionInfo } from './catalog';
import { Ec2Error } from './errors';
import type { Ec2State } from './state';

const CREDENTIALS_INVALID = 'AWS was not able to validate the provided access credentials';

/**
 * Reads the SigV4 credential scope (`AKID/20260101/us-east-1/ec2/aws4_request`) from the
 * Authorization header or a presigned query. The signature itself is not checked: the
 * emulator proves the client's wiring, not its cryptography.
 */
function credentialScope(authorization: string | undefined, query: URLSearchParams): string | undefined {
  if (authorization) {
    const match = /Credential=([^,\s]+)/.exec(authorization);
    if (!authorization.startsWith('AWS4-HMAC-SHA256') || !match) {
      throw new Ec2Error('IncompleteSignature', `Authorization header requires 'Credential' parameter.`, 400);
    }
    return match[1];
  }
  return query.get('X-Amz-Credential') ?? undefined;
}

/** The region a request is for, after checking its access key is one the account accepts. */
export function authenticate(
  state: Ec2State,
  accessKeyIds: ReadonlySet<string>,
  authorization: string | undefined,
  query: URLSearchParams,
): string {
  const scope = credentialScope(authorization, query);
  if (!scope) {
    throw new Ec2Error(
      'MissingAuthenticationToken',
      'AWS was not able to authenticate the request: access credentials are missing.',
      401,
    );
  }
  const [accessKeyId, , region, service, terminator] = scope.split('/');
  if (!accessKeyId || !region || service === undefined || terminator !== 'aws4_request') {
    throw new Ec2Error('IncompleteSignature', `Credential '${scope}' is not a valid credential scope.`, 400);
  }
  if (service !== 'ec2') {
    throw new Ec2Error('AuthFailure', `Credential should be scoped to correct service: 'ec2'.`, 401);
  }
  if (!regionInfo(region)) {
    throw new Ec2Error('AuthFailure', 'Credential should be scoped to a valid region.', 401);
  }
  if (!accessKeyIds.has(accessKeyId)) throw new Ec2Error('AuthFailure', CREDENTIALS_INVALID, 401);
  // A real region the account has not enabled answers like bad credentials do on EC2.
  if (!state.regions.has(region)) throw new Ec2Error('AuthFailure', CREDENTIALS_INVALID, 401);
  return region;
}
