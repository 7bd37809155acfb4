import { styleText } from 'node:util';
import type { Command } from 'commander';
import { CliError, ExitCode } from './errors.js';

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'bold';

/** Colours only when the stream is a terminal and NO_COLOR is unset (https://no-color.org). */
export function colour(stream: NodeJS.WriteStream, style: Style, text: string): string {
  if (!stream.isTTY || process.env.NO_COLOR || process.env.TERM === 'dumb') return text;
  return styleText(style, text);
}

export const out = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
export const err = (text = ''): void => {
  process.stderr.write(`${text}\n`);
};
export const paint = (style: Style, text: string): string => colour(process.stdout, style, text);

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** A plain text table: a header row, then rows; columns padded to their widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  out(paint('bold', line(header)));
  for (const row of rows) out(line(row));
}

/**
 * Runs a command's action: a failure prints its sentence and what to do next on stderr and
 * sets the documented exit code (no stack trace for expected errors).
 */
export function action<Args extends unknown[]>(run: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await run(...args);
    } catch (error) {
      process.exitCode = report(error);
    }
  };
}

function report(error: unknown): ExitCode {
  const red = (text: string) => colour(process.stderr, 'red', text);
  if (error instanceof CliError) {
    err(red(`Error: ${error.message}`));
    if (error.hint) err(error.hint);
    return error.exitCode;
  }
  err(red(`Error: ${error instanceof Error ? error.message : String(error)}`));
  if (error instanceof Error && error.stack && process.env.SWITCHBOARD_DEBUG) err(error.stack);
  return ExitCode.Failed;
}

/**
 * Usage errors commander finds (unknown option, bad choice, missing argument) exit 2 like ours,
 * not commander's default 1; help and version still exit 0. Applies to the subcommands too.
 */
export function usageExitCode<C extends Command>(command: C): C {
  command.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : ExitCode.Usage);
  });
  for (const sub of command.commands) usageExitCode(sub);
  return command;
}
