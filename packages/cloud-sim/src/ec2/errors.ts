import { randomUUID } from 'node:crypto';
import type { Fault, SimResponse } from '../common/server';
import { escapeXml } from './xml';

/** A failure answered in EC2's error format. Codes, statuses and wording follow EC2. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `<Response><Errors><Error><Code>..` with the RequestID EC2 puts beside it. */
export function renderError(err: Ec2Error, requestId: string = randomUUID()): SimResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  return { status: err.status, headers: { 'content-type': 'text/xml;charset=UTF-8', ...err.headers }, body };
}

/**
 * Faults as EC2 serves them. EC2 throttles with 503 RequestLimitExceeded (not 429), so a
 * "429" burst renders exactly that; 502 comes from a proxy in front, hence no XML at all.
 */
export function renderEc2Fault(fault: Fault): SimResponse {
  const retryAfter: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  switch (fault.status) {
    case 429:
      return renderError(new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503, retryAfter));
    case 500:
      return renderError(new Ec2Error('InternalError', 'An internal error has occurred', 500));
    case 502:
      return {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      };
    case 503:
      return renderError(
        new Ec2Error(
          'Unavailable',
          "The server is overloaded and can't handle the request.",
          503,
          retryAfter,
        ),
      );
  }
}

// Constructors for the errors several actions share, so wording stays identical.

export const missingParameter = (name: string) =>
  new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidValue = (message: string) => new Ec2Error('InvalidParameterValue', message);

export function notFound(code: string, noun: string, ids: string[]): Ec2Error {
  const list = ids.join(', ');
  return ids.length === 1
    ? new Ec2Error(code, `The ${noun} ID '${list}' does not exist`)
    : new Ec2Error(code, `The ${noun} IDs '${list}' do not exist`);
}

export const malformedId = (code: string, id: string) => new Ec2Error(code, `Invalid id: "${id}"`);

export const dryRunSucceeded = () =>
  new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
