import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level } from 'pino';

type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger, made only when something is logged at an enabled level. Fastify makes one
 * child logger per request; with redaction configured, pino's `child()` was ~3 % of a hook's
 * CPU, and a hook that succeeds logs nothing at the relay's usual levels.
 */
class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...args: LogArgs): void {
    this.emit('fatal', args);
  }
  error(...args: LogArgs): void {
    this.emit('error', args);
  }
  warn(...args: LogArgs): void {
    this.emit('warn', args);
  }
  info(...args: LogArgs): void {
    this.emit('info', args);
  }
  debug(...args: LogArgs): void {
    this.emit('debug', args);
  }
  trace(...args: LogArgs): void {
    this.emit('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private logger(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings, this.options);
    return this.real;
  }

  private emit(level: Level, args: LogArgs): void {
    // pino loggers say which levels are on; anything else is asked to log and decides itself.
    const source = (this.real ?? this.parent) as { isLevelEnabled?: (level: string) => boolean };
    if (typeof source.isLevelEnabled === 'function' && !source.isLevelEnabled(level)) return;
    (this.logger()[level] as (...rest: LogArgs) => void)(...args);
  }
}

/** Fastify's `childLoggerFactory`: see `LazyChildLogger`. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // A route with its own log level: its logger decides what is on, so it is made now.
  if (options.level !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
