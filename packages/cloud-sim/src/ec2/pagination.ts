import { Ec2Error, invalidValue } from './errors';
import type { QueryParams } from './params';

/** Where a listing resumes. Opaque to clients; tied to the action and region it came from. */
interface Cursor {
  a: string;
  r: string;
  s: number;
}

export function encodeToken(action: string, region: string, seq: number): string {
  return Buffer.from(JSON.stringify({ a: action, r: region, s: seq } satisfies Cursor)).toString('base64url');
}

function invalidToken(token: string): Ec2Error {
  return new Ec2Error('InvalidPaginationToken', `Invalid pagination token: ${token}`);
}

/** Decodes a NextToken; tokens from another action or region are rejected like EC2 does. */
export function decodeToken(token: string, action: string, region: string): number {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (cursor.a !== action || cursor.r !== region || typeof cursor.s !== 'number') throw invalidToken(token);
    return cursor.s;
  } catch {
    throw invalidToken(token);
  }
}

export interface PageRequest {
  /** Resume after this seq (-1 for the first page). */
  afterSeq: number;
  limit: number;
  /** Whether the client asked for pages; without MaxResults some actions answer everything. */
  paged: boolean;
}

/**
 * Reads MaxResults/NextToken with the action's allowed range. `ids` are the explicit ids of
 * the request (InstanceId.N...): EC2 refuses to combine them with MaxResults.
 */
export function readPage(
  params: QueryParams,
  action: string,
  region: string,
  range: { min: number; max: number; default: number; idsParam?: string; ids?: string[] },
): PageRequest {
  const maxResults = params.int('MaxResults', { param: 'maxResults' });
  const token = params.str('NextToken');
  if (maxResults !== undefined && range.ids && range.ids.length > 0) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      `The parameter ${range.idsParam ?? 'ids'} cannot be used with the parameter maxResults`,
    );
  }
  if (maxResults !== undefined && (maxResults < range.min || maxResults > range.max)) {
    throw invalidValue(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${range.min} and ${range.max}.`,
    );
  }
  return {
    afterSeq: token ? decodeToken(token, action, region) : -1,
    limit: maxResults ?? range.default,
    paged: maxResults !== undefined || token !== undefined,
  };
}
