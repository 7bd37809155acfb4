import { type ErrorBody, SwitchboardError } from '@switchboard/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Fastify's own client-error codes, mapped to our stable codes. */
const fastifyCodes: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'The Content-Length header does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'The body is empty but the content type says JSON.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The body is not valid JSON.' },
  FST_ERR_VALIDATION: { code: 'validation_failed', message: 'The request is not valid.' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_request', message: 'The request could not be routed.' },
};

/**
 * PostgreSQL refuses some values that JSON carries happily (a NUL character in text or in an id);
 * the value came from the client, so it is a 400, not a crash. SQLSTATE codes, matched on
 * errors that carry a `severity` (the pg driver's DatabaseError).
 */
const databaseInputErrors: Record<string, { code: string; message: string }> = {
  '22021': { code: 'invalid_request', message: 'The request contains a character that cannot be stored (such as NUL).' },
  '22P05': { code: 'invalid_request', message: 'The request contains a character that cannot be stored (such as NUL).' },
  '22001': { code: 'validation_failed', message: 'A value is longer than its field allows.' },
};

function databaseInputError(error: unknown): { code: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null || !('severity' in error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? databaseInputErrors[error.code] : undefined;
}

function describeZodIssues(error: FastifyError): { message: string; issues: { path: string; message: string }[] } {
  const raw = (error.validation ?? []) as unknown as { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[] } } }[];
  const where = error.validationContext ?? 'request';
  const issues = raw.map((issue) => {
    const path = issue.params?.issue?.path?.map(String).join('.') ?? issue.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? '';
    return { path: path ? `${where}.${path}` : where, message: issue.message ?? 'is invalid' };
  });
  const first = issues[0];
  return {
    message: first ? `Invalid ${first.path}: ${first.message}` : `The ${where} is not valid.`,
    issues,
  };
}

/** One place maps every error to `{code, message}`: client mistakes are 4xx, never 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((caught: FastifyError | SwitchboardError, request, reply) => {
    if (caught instanceof SwitchboardError) {
      const error = caught;
      if (error.code === 'rate_limited' && typeof error.details.retryAfter === 'number') {
        reply.header('retry-after', String(error.details.retryAfter));
      }
      return reply.status(error.status).send(error.toBody());
    }
    const error = caught;
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      const { message, issues } = describeZodIssues(error);
      return reply.status(400).send({ code: 'validation_failed', message, issues } satisfies ErrorBody);
    }
    const rejectedByDatabase = databaseInputError(error);
    if (rejectedByDatabase) {
      request.log.warn({ err: error }, 'the database rejected a value of the request');
      return reply.status(400).send(rejectedByDatabase);
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    if (known) {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      return reply.status(status).send(known);
    }
    if (error.statusCode === 429) {
      return reply.status(429).send({ code: 'rate_limited', message: 'Too many requests; retry after the Retry-After delay.' });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: 'invalid_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'internal_error', message: 'Something went wrong on our side.' });
  });

  app.setNotFoundHandler((request, reply) => {
    // Never the whole path back: it may be kilobytes long.
    const path = request.url.split('?')[0];
    const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
    reply.status(404).send({ code: 'not_found', message: `No route ${request.method} ${shown}.` });
  });
}
