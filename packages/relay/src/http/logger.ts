import { type Logger, pino } from 'pino';

/** Query parameters that carry secrets; their values never reach a log line. */
const SECRET_QUERY = /([?&](?:access_token|token)=)[^&]*/gi;

/** pino with tokens and secrets redacted from request logs. */
export function createRelayLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.secret', '*.secrets'], censor: '[redacted]' },
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
        ip: request.ip,
      }),
    },
  });
}
