import type { Manifest } from '@switchboard/protocol';
import { Command } from 'commander';
import { appsApi } from '../api/apps.js';
import { ApiClient } from '../api/client.js';
import { ApiError, CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, printJson } from '../api/output.js';
import { currentSession } from '../credentials/session.js';
import { APP_FILE, readAppFile, writeAppFile } from '../manifest/app-file.js';
import { describeChange, diffManifests } from '../manifest/diff.js';
import { loadManifest, ManifestInvalid } from '../manifest/load.js';
import { appContext } from './apps-context.js';

const MANIFEST_OPTION = ['--manifest <file>', 'the manifest to register', 'manifest.json'] as const;
const HOST_OPTION = ['--host <url>', 'base URL for relative URLs in the manifest (`/hook`), as pumble-cli resolves them'] as const;

/** The platform's own validation errors carry paths too; show them like local ones. */
function rethrowManifestErrors(file: string, error: unknown): never {
  const errors = error instanceof ApiError && error.code === 'invalid_manifest' ? (error.details as { errors?: unknown })?.errors : undefined;
  if (Array.isArray(errors)) throw new ManifestInvalid(`${file} (refused by the platform)`, errors as { path: string; message: string }[]);
  throw error;
}

export function createCommand(): Command {
  return new Command('create')
    .description(`Register the app of manifest.json; its id and secrets go to ${APP_FILE} (mode 0600, git-ignored).`)
    .option(...MANIFEST_OPTION)
    .option(...HOST_OPTION)
    .option('--force', `create a new app even though ${APP_FILE} already names one`)
    .option('--json', 'print the created app (with its secrets) as JSON')
    .action(
      action(async (options: { manifest: string; host?: string; force?: boolean; json?: boolean }) => {
        const manifest = loadManifest(options.manifest, options.host);
        const client = ApiClient.forSession(currentSession());
        const existing = readAppFile();
        if (existing && existing.url === client.baseUrl && !options.force) {
          throw new CliError(
            `This folder's app is already registered (${existing.appId}).`,
            ExitCode.Usage,
            'Run `switchboard apps update` to change it, or pass --force to create another.',
          );
        }
        const created = await appsApi.create(client, manifest).catch((error) => rethrowManifestErrors(options.manifest, error));
        const { id: appId, appKey, clientSecret, signingSecret } = created;
        writeAppFile({ url: client.baseUrl, appId, appKey, clientSecret, signingSecret });
        if (options.json) return printJson(created);
        out(`Created ${paint('bold', created.displayName)} (${paint('cyan', appId)}).`);
        out(paint('gray', `Its id and secrets are in ${APP_FILE} (readable by you only, listed in .gitignore).`));
      }),
    );
}

export function updateCommand(): Command {
  return new Command('update')
    .description('Send manifest.json to the platform and print what changed.')
    .argument('[appId]', "the app (default: this folder's)")
    .option(...MANIFEST_OPTION)
    .option(...HOST_OPTION)
    .option('--dry-run', 'print the changes without sending them')
    .option('--json', 'print the changes as JSON')
    .action(
      action(async (appIdArg: string | undefined, options: { manifest: string; host?: string; dryRun?: boolean; json?: boolean }) => {
        const manifest = loadManifest(options.manifest, options.host);
        const { client, appId } = appContext(appIdArg);
        const current = await appsApi.get(client, appId);
        const { id: _id, appKey: _k, clientSecret: _c, signingSecret: _s, published: _p, ...registered } = current;
        const changes = diffManifests(registered as Manifest, manifest);
        if (changes.length > 0 && !options.dryRun) {
          await appsApi.update(client, appId, manifest).catch((error) => rethrowManifestErrors(options.manifest, error));
        }
        if (options.json) return printJson({ appId, applied: !options.dryRun && changes.length > 0, changes });
        if (changes.length === 0) return out(`No changes: ${appId} already matches ${options.manifest}.`);
        for (const change of changes) {
          const style = change.action === 'added' ? 'green' : change.action === 'removed' ? 'red' : 'yellow';
          out(paint(style, describeChange(change)));
        }
        out(options.dryRun ? `${changes.length} change(s) not sent (--dry-run).` : `Updated ${appId}: ${changes.length} change(s).`);
      }),
    );
}

/** The consent string of PROTOCOL.md 4.1: user scopes, then bot scopes prefixed `bot:`. */
function scopeList(manifest: Manifest): string {
  return [...manifest.scopes.userScopes, ...manifest.scopes.botScopes.map((scope) => `bot:${scope}`)].join(',');
}

export function installCommand(): Command {
  return new Command('install')
    .description("Install the app into your workspace: consent to its scopes and hand the code to the app's redirect URL.")
    .argument('[appId]', "the app (default: this folder's)")
    .option('--reinstall', 'reinstall (new bot token) even if already installed')
    .action(
      action(async (appIdArg: string | undefined, options: { reinstall?: boolean }) => {
        const { client, appId } = appContext(appIdArg);
        const app = await appsApi.get(client, appId);
        const redirectUrl = app.redirectUrls[0];
        if (!redirectUrl)
          throw new CliError(
            'The app has no redirectUrls, so it cannot receive the install code.',
            ExitCode.Usage,
            'Add one to manifest.json and run `switchboard apps update`.',
          );
        const grant = await appsApi.grant(client, { clientId: appId, scopes: scopeList(app), redirectUrl, isReinstall: Boolean(options.reinstall) });
        // The app finishes the install by exchanging the code, as it would after the consent page.
        const answer = await fetch(grant.redirectUrl, { redirect: 'manual', signal: AbortSignal.timeout(10_000) }).catch((error: Error) => error);
        if (answer instanceof Error) {
          throw new CliError(
            `Consent given, but the app did not answer at ${new URL(grant.redirectUrl).origin} (${answer.message}).`,
            ExitCode.Failed,
            'Start the app, then run `switchboard apps install` again.',
          );
        }
        if (answer.status >= 400)
          throw new CliError(`The app's redirect URL answered ${answer.status}; the install is not finished.`, ExitCode.Failed, 'Check the app log.');
        const installed = (await appsApi.authorizations(client)).some((entry) => entry.app.id === appId);
        out(
          installed
            ? `Installed ${paint('bold', app.displayName)} (${appId}).`
            : `Consent given; the app answered ${answer.status} but has not exchanged the code yet.`,
        );
      }),
    );
}
