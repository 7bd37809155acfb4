import { type Logger, pino } from 'pino';
import type { PlatformConfig } from '../config.js';

/** Query parameters that carry secrets; their values never reach a log line. */
const SECRET_QUERY = /([?&](?:appKey|code|token|refreshToken|client_secret|client-secret|code_verifier|ticket|state)=)[^&]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** pino options: JSON lines (pretty in a TTY), secrets redacted from request logs. */
export function createLogger(config: PlatformConfig): Logger {
  return pino({
    level: config.logLevel,
    ...(config.prettyLogs ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
    redact: {
      paths: [
        'req.headers.authtoken',
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers.token',
        'req.headers["x-app-token"]',
        '*.password',
        '*.clientSecret',
        '*.signingSecret',
        '*.appKey',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string; id?: string }) => ({ method: request.method, url: redactUrl(request.url), ip: request.ip }),
    },
  });
}
