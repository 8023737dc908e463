import { DomainError, TooManyAttemptsError } from '@overcast/core';
import { isDatabaseUnavailable } from '@overcast/db';
import type { FastifyError } from 'fastify';
import type { App } from '../context';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Fastify's name for the part of the request that failed, as fields name it (`query.limit`). */
const PART_NAMES: Record<string, string> = { querystring: 'query' };

/**
 * The input at fault, as the web names its inputs: `body.name`, `query.limit`, `body.tags.env`.
 * For a missing or unknown field, the field itself rather than the object holding it.
 */
function fieldOf(context: string, issue: ValidationIssue): string {
  const at = `${PART_NAMES[context] ?? context}${issue.instancePath.replaceAll('/', '.')}`;
  const inner =
    issue.keyword === 'required'
      ? issue.params.missingProperty
      : issue.keyword === 'additionalProperties'
        ? issue.params.additionalProperty
        : issue.keyword === 'discriminator'
          ? issue.params.tag
          : undefined;
  return inner === undefined ? at : `${at}.${String(inner)}`;
}

/**
 * Turns Ajv's first complaint into a sentence that names the field. `all` is every complaint:
 * a union of fixed values fails once per value, and together they are the list to show.
 */
function describeValidation(context: string, issue: ValidationIssue, all: ValidationIssue[]): string {
  const where = `${context}${issue.instancePath.replaceAll('/', '.')}`;
  switch (issue.keyword) {
    case 'const': {
      const allowed = all
        .filter((i) => i.keyword === 'const' && i.instancePath === issue.instancePath)
        .map((i) => String(i.params.allowedValue));
      return allowed.length > 1
        ? `${where} must be one of: ${allowed.join(', ')}.`
        : `${where} must be ${allowed[0]}.`;
    }
    case 'required':
      return `${where} is missing the field "${String(issue.params.missingProperty)}".`;
    case 'additionalProperties':
      return `${where} has an unknown field "${String(issue.params.additionalProperty)}".`;
    case 'type':
      return `${where} must be ${String(issue.params.type)}.`;
    case 'enum':
      return `${where} must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}.`;
    case 'discriminator':
      return `${where}.${String(issue.params.tag)} ${issue.params.tagValue === undefined ? 'is missing' : `"${String(issue.params.tagValue)}" is not a known kind`}.`;
    default:
      return `${where} ${issue.message ?? 'is invalid'}.`;
  }
}

/** Seconds a client should wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER = 5;

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The request body is empty; send a JSON object.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    'Send the request body as application/json.',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'bad_request',
    'The Content-Length header does not match the body.',
  ],
};

export function installErrorHandlers(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof DomainError) {
      const { code, message, field } = error;
      return reply.status(error.status).send({ error: { code, message, ...(field ? { field } : {}) } });
    }
    if (error.validation) {
      const issues = error.validation as ValidationIssue[];
      const issue = issues[0];
      const context = error.validationContext ?? 'request';
      if (!issue)
        return reply.status(400).send({ error: { code: 'validation_failed', message: error.message } });
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: describeValidation(context, issue, issues),
          field: fieldOf(context, issue),
        },
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0;
      return reply.status(413).send({
        error: {
          code: 'payload_too_large',
          message: `The request body is too large: the limit is ${Math.floor(limit / 1024)} KiB (limits.requestBodyKiB). Send less at once.`,
        },
      });
    }
    const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
    if (known) return reply.status(known[0]).send({ error: { code: known[1], message: known[2] } });
    if (error instanceof SyntaxError) {
      return reply
        .status(400)
        .send({ error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER))
        .send({
          error: {
            code: 'database_unavailable',
            message: `The database is unavailable right now, so this could not be done; try again in a few seconds. If it lasts, ask your administrator to check PostgreSQL.`,
          },
        });
    }
    const status = error.statusCode ?? 500;
    // Plugins that build their own answer (the rate limiter) throw it already in our shape.
    const shaped = (error as unknown as { error?: { code?: unknown; message?: unknown } }).error;
    if (shaped && typeof shaped.code === 'string' && typeof shaped.message === 'string') {
      return reply.status(status).send({ error: { code: shaped.code, message: shaped.message } });
    }
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      error: {
        code: 'internal',
        message: `Something went wrong on our side (request ${request.id}). It has been logged.`,
      },
    });
  });
}
