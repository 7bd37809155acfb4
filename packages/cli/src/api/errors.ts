/** Exit codes of `switchboard` (documented in docs/cli.md); scripts may rely on them. */
export const ExitCode = {
  Ok: 0,
  /** The command ran and found a problem (a failed check, an API refusal). */
  Failed: 1,
  /** Bad arguments or a bad input file (manifest). */
  Usage: 2,
  /** No credentials, or the platform refused them. */
  NotSignedIn: 3,
  /** The app, delivery or person named does not exist (or is not yours). */
  NotFound: 4,
  /** The platform could not be reached. */
  Unreachable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as a sentence plus what to do next, then exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The platform answered with an error body `{code, message}`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    hint?: string,
  ) {
    super(message, exitCodeOf(status), hint);
    this.name = 'ApiError';
  }
}

function exitCodeOf(status: number): ExitCode {
  if (status === 401) return ExitCode.NotSignedIn;
  if (status === 404) return ExitCode.NotFound;
  if (status === 400 || status === 422) return ExitCode.Usage;
  return ExitCode.Failed;
}
