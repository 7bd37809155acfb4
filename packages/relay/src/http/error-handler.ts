import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Fastify's own client-error codes, mapped to our stable codes. */
const fastifyCodes: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'The Content-Length header does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'The body is empty but the content type says JSON.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: 'The URL is malformed.' },
};

/** One place maps every error to `{code, message}`: client mistakes are 4xx, never 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((caught: FastifyError | SwitchboardError, request, reply) => {
    if (caught instanceof SwitchboardError) {
      if (caught.status === 503) reply.header('retry-after', '1');
      return reply.status(caught.status).send(caught.toBody());
    }
    const error = caught;
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      const first = error.validation?.[0] as { instancePath?: string; message?: string } | undefined;
      const where = `${error.validationContext ?? 'request'}${first?.instancePath?.replaceAll('/', '.') ?? ''}`;
      return reply.status(400).send({ code: 'validation_failed', message: `Invalid ${where}: ${first?.message ?? 'is invalid'}` });
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    if (known) return reply.status(error.statusCode && error.statusCode < 500 ? error.statusCode : 400).send(known);
    if (error.statusCode === 429) return reply.status(429).send({ code: 'rate_limited', message: 'Too many requests; retry after the Retry-After delay.' });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: 'invalid_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'internal_error', message: 'Something went wrong on our side.' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
  });
}
