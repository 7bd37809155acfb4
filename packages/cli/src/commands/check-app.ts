import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, printJson, usageExitCode } from '../api/output.js';
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

interface ManifestHints {
  command?: string;
  commandUrl?: string;
  eventsUrl?: string;
}

/** What ./manifest.json says, when there is one: the first slash command, its URL, the events URL. */
function manifestHints(): ManifestHints {
  try {
    const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as {
      slashCommands?: { command?: unknown; url?: unknown }[];
      eventSubscriptions?: { url?: unknown };
    };
    const first = manifest.slashCommands?.[0];
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return { command: text(first?.command), commandUrl: text(first?.url), eventsUrl: text(manifest.eventSubscriptions?.url) };
  } catch {
    return {};
  }
}

/** `switchboard check-app <url>`: does the app verify what it receives? */
export function checkAppCommand(): Command {
  return usageExitCode(
    new Command('check-app')
      .description('Check that an app verifies what it receives: send its endpoint signed probes and report each (exit 1 when one fails).')
      .argument('[url]', "the app's delivery URL (default: the first slash command's URL in ./manifest.json)")
      .option(
        '--signing-secret <secret>',
        'the app’s signing secret (default: env SWITCHBOARD_SIGNING_SECRET or PUMBLE_APP_SIGNING_SECRET, or .switchboard-app.json)',
      )
      .option('--events-url <url>', "where events go (default: <url>, or manifest.json's events URL when <url> is omitted)")
      .option('--command <command>', "the slash command to send (default: manifest.json's first)")
      .option('--json', 'print the results as JSON')
      .action(
        action(async (url: string | undefined, options: CheckOptions) => {
          const hints = manifestHints();
          const commandUrl = url ?? hints.commandUrl;
          if (!commandUrl)
            throw new CliError(
              'Which URL? None was given and ./manifest.json names no slash command URL.',
              ExitCode.Usage,
              'Pass the app’s delivery URL: switchboard check-app http://127.0.0.1:3000/hook',
            );
          const eventsUrl = options.eventsUrl ?? (url ? url : (hints.eventsUrl ?? commandUrl));
          const urls = { command: normaliseUrl(commandUrl), event: normaliseUrl(eventsUrl) };
          const command = options.command ? (options.command.startsWith('/') ? options.command : `/${options.command}`) : (hints.command ?? '/check-app');
          const probes = buildProbes({ signingSecret: signingSecretOf(options.signingSecret), command });
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
              failed.length === 0
                ? paint('green', `All ${results.length} checks passed.`)
                : paint('red', `${failed.length} of ${results.length} checks failed.`),
            );
          }
          if (failed.length > 0) process.exitCode = ExitCode.Failed;
        }),
      ),
  );
}
