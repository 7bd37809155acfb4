import { readFileSync } from 'node:fs';
import { type Manifest, parseManifest } from '@switchboard/protocol';
import { CliError, ExitCode } from '../api/errors.js';
import { resolveManifestUrls } from './absolute-urls.js';

/** A manifest that failed validation: every problem with its JSON path. */
export class ManifestInvalid extends CliError {
  constructor(
    readonly file: string,
    readonly errors: { path: string; message: string }[],
    relativeUrls = false,
  ) {
    super(
      `${file} is not a valid manifest:\n${errors.map((error) => `  ${error.path}: ${error.message}`).join('\n')}`,
      ExitCode.Usage,
      relativeUrls
        ? 'It has relative URLs: pass --host <the app’s public base URL> to resolve them, as pumble-cli does.'
        : 'Fix the fields above; the schema is served at /schemas/manifest.json by the platform.',
    );
  }
}

/**
 * Reads and validates a manifest before anything is sent, with the same schema the platform
 * uses (@switchboard/protocol), so a mistake is reported with its path and nothing half-applies.
 */
export function loadManifest(file: string, host?: string): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `There is no ${file} here.` : `Cannot read ${file} (${code}).`,
      ExitCode.Usage,
      'Run this in your app folder, or pass --manifest <path>; `switchboard init` creates one.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestInvalid(file, [{ path: '$', message: `is not valid JSON (${(error as Error).message})` }]);
  }
  const parsed = parseManifest(resolveManifestUrls(value, host));
  if (!parsed.ok) throw new ManifestInvalid(file, parsed.errors, host === undefined && /[:,[]\s*"\/[^/]/.test(text));
  return parsed.manifest;
}
