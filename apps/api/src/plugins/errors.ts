import { TooManyAttemptsError } from '@overcast/core/auth';
import { DOMAIN_ERROR_STATUS, DomainError, type DomainErrorKind } from '@overcast/core/errors';
import { isDatabaseUnavailable } from '@overcast/db';
import type { FastifyError, FastifyRequest } from 'fastify';
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

/** Fastify's own refusals of a request body, in our words. */
const CLIENT_ERRORS: Record<string, () => DomainError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new DomainError('invalid', 'invalid_json', 'The request body is not valid JSON.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new DomainError('invalid', 'invalid_json', 'The request body is empty; send a JSON object.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new DomainError(
      'unsupported_media_type',
      'unsupported_media_type',
      'Send the request body as application/json.',
    ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new DomainError('invalid', 'bad_request', 'The Content-Length header does not match the body.'),
};

/** Any error as the DomainError the caller is told about. */
function asDomainError(error: FastifyError, request: FastifyRequest): DomainError {
  if (error instanceof DomainError) return error;
  if (error.validation) {
    const issues = error.validation as ValidationIssue[];
    const issue = issues[0];
    const context = error.validationContext ?? 'request';
    return issue
      ? new DomainError(
          'invalid',
          'validation_failed',
          describeValidation(context, issue, issues),
          fieldOf(context, issue),
        )
      : new DomainError('invalid', 'validation_failed', error.message);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0;
    return new DomainError(
      'too_large',
      'payload_too_large',
      `The request body is too large: the limit is ${Math.floor(limit / 1024)} KiB (limits.requestBodyKiB). Send less at once.`,
    );
  }
  const known = error.code ? CLIENT_ERRORS[error.code] : undefined;
  if (known) return known();
  if (error instanceof SyntaxError)
    return new DomainError('invalid', 'invalid_json', 'The request body is not valid JSON.');
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return new DomainError(
      'unavailable',
      'database_unavailable',
      'The database is unavailable right now, so this could not be done; try again in a few seconds. If it lasts, ask your administrator to check PostgreSQL.',
    );
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Keeps the status Fastify chose (405, 406...) when a kind has it.
    const kinds = Object.keys(DOMAIN_ERROR_STATUS) as DomainErrorKind[];
    const kind = kinds.find((k) => DOMAIN_ERROR_STATUS[k] === status) ?? 'invalid';
    return new DomainError(kind, 'bad_request', error.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return new DomainError(
    'internal',
    'internal',
    `Something went wrong on our side (request ${request.id}). It has been logged.`,
  );
}

/** Every error leaves as `{ "error": { "code", "message", "field"? } }` with its kind's status. */
export function installErrorHandlers(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { code, message, field, status } = asDomainError(error, request);
    if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (code === 'database_unavailable') reply.header('retry-after', String(DATABASE_RETRY_AFTER));
    return reply.status(status).send({ error: { code, message, ...(field ? { field } : {}) } });
  });
}
