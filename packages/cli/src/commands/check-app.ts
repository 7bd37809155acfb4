import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, printJson } from '../api/output.js';
import { buildProbes } from '../check-app/probes.js';
import { runProbes } from '../check-app/run-probes.js';
import { normaliseUrl } from '../credentials/session.js';
import { readAppFile } from '../manifest/app-file.js';

interface CheckOptions {
  signingSecret?: string;
  eventsUrl?: string;
  command?: string;
  json?: boolean;
}

/** The secret to sign with: the flag, the environment an app reads, or this folder's app file. */
function signingSecretOf(flag: string | undefined): string {
  const secret = flag ?? process.env.SWITCHBOARD_SIGNING_SECRET ?? process.env.PUMBLE_APP_SIGNING_SECRET ?? readAppFile()?.signingSecret;
  if (!secret) {
    throw new CliError(
      'No signing secret to sign the probes with.',
      ExitCode.Usage,
      'Pass --signing-secret (the app’s signingSecret), or run this in the app folder after `switchboard apps create`.',
    );
  }
  return secret;
}

/** A slash command the app registered (its router may ignore others): the flag, else manifest.json's first. */
function commandOf(flag: string | undefined): string {
  if (flag) return flag.startsWith('/') ? flag : `/${flag}`;
  try {
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as { slashCommands?: { command?: unknown }[] };
    const first = manifest.slashCommands?.[0]?.command;
    if (typeof first === 'string') return first;
  } catch {}
  return '/check-app';
}

/** `switchboard check-app <url>`: does the app verify what it receives? */
export function checkAppCommand(): Command {
  return new Command('check-app')
    .description(
      "Send an app's endpoint signed probes: a slash command (2xx within 3 s) and an event must be accepted; a wrong signature, no signature, a stale timestamp, a replayed request, a re-timestamped request and malformed JSON must each be refused with a 4xx. Exits 1 when any check fails.",
    )
    .argument('<url>', "the app's delivery URL (its slash command URL)")
    .option(
      '--signing-secret <secret>',
      'the app’s signing secret (default: env SWITCHBOARD_SIGNING_SECRET or PUMBLE_APP_SIGNING_SECRET, or .switchboard-app.json)',
    )
    .option('--events-url <url>', 'where events go, when not to <url>')
    .option('--command <command>', "the slash command to send (default: manifest.json's first)")
    .option('--json', 'print the results as JSON')
    .action(
      action(async (url: string, options: CheckOptions) => {
        const urls = { command: normaliseUrl(url), event: normaliseUrl(options.eventsUrl ?? url) };
        const probes = buildProbes({ signingSecret: signingSecretOf(options.signingSecret), command: commandOf(options.command) });
        const results = await runProbes(urls, probes);
        const failed = results.filter((result) => !result.ok);
        if (options.json) printJson({ url: urls.command, passed: failed.length === 0, results });
        else {
          const width = Math.max(...results.map((result) => result.name.length));
          for (const result of results) {
            const mark = result.ok ? paint('green', '✓') : paint('red', '✗');
            const status = result.status === null ? '---' : String(result.status);
            out(`${mark} ${result.name.padEnd(width)}  ${status}  ${String(result.latencyMs).padStart(5)} ms${result.ok ? '' : `  ${result.problem}`}`);
            if (!result.ok) out(paint('gray', `    expected: ${result.purpose}`));
          }
          out(
            failed.length === 0 ? paint('green', `All ${results.length} checks passed.`) : paint('red', `${failed.length} of ${results.length} checks failed.`),
          );
        }
        if (failed.length > 0) process.exitCode = ExitCode.Failed;
      }),
    );
}
