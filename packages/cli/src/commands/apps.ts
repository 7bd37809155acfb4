import { rmSync } from 'node:fs';
import * as prompts from '@clack/prompts';
import { Command, Option } from 'commander';
import { appsApi, type SecretName } from '../api/apps.js';
import { ApiClient } from '../api/client.js';
import { CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, printJson, printTable, usageExitCode } from '../api/output.js';
import { currentSession } from '../credentials/session.js';
import { APP_FILE, readAppFile, writeAppFile } from '../manifest/app-file.js';
import { appContext } from './apps-context.js';
import { createCommand, installCommand, updateCommand } from './apps-sync.js';

const SECRETS = ['appKey', 'clientSecret', 'signingSecret'] as const;
const hidden = (value: string) => `${value.slice(0, 4)}…  (--show-secrets to print)`;

function listCommand(): Command {
  return new Command('list')
    .description('Your apps.')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const client = ApiClient.forSession(currentSession());
        const apps = await appsApi.list(client);
        if (options.json) return printJson(apps);
        if (apps.length === 0) return out('You have no apps yet: `switchboard apps create` registers manifest.json.');
        const here = readAppFile()?.appId;
        printTable(
          ['ID', 'NAME', 'DISPLAY NAME', 'PUBLISHED', ''],
          apps.map((app) => [app.id, app.name, app.displayName, app.published ? 'yes' : 'no', app.id === here ? '(this folder)' : '']),
        );
      }),
    );
}

function showCommand(): Command {
  return new Command('show')
    .description('One app: its manifest and (with --show-secrets) its secrets.')
    .argument('[appId]', "the app (default: this folder's)")
    .option('--json', 'print JSON')
    .option('--show-secrets', 'include the secrets')
    .action(
      action(async (appId: string | undefined, options: { json?: boolean; showSecrets?: boolean }) => {
        const context = appContext(appId);
        const app = await appsApi.get(context.client, context.appId);
        if (!options.showSecrets) for (const secret of SECRETS) app[secret] = options.json ? '' : hidden(app[secret]);
        if (options.json) {
          if (!options.showSecrets) for (const secret of SECRETS) delete (app as Partial<typeof app>)[secret];
          return printJson(app);
        }
        out(`${paint('bold', app.displayName)} (${app.name})  id ${paint('cyan', app.id)}  ${app.published ? 'published' : 'unpublished'}`);
        out(`  bot: ${app.bot ? 'yes' : 'no'}   socket mode: ${app.socketMode ? 'yes' : 'no'}`);
        out(`  bot scopes: ${app.scopes.botScopes.join(', ') || '-'}`);
        out(`  user scopes: ${app.scopes.userScopes.join(', ') || '-'}`);
        for (const command of app.slashCommands) out(`  command ${command.command} → ${command.url}`);
        for (const shortcut of app.shortcuts) out(`  shortcut ${shortcut.name} (${shortcut.shortcutType}) → ${shortcut.url}`);
        out(`  events ${app.eventSubscriptions.events.join(', ') || '-'} → ${app.eventSubscriptions.url}`);
        out(`  redirect URLs: ${app.redirectUrls.join(', ') || '-'}`);
        for (const secret of SECRETS) out(`  ${secret}: ${app[secret]}`);
      }),
    );
}

async function confirm(message: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError('Refusing to delete without confirmation.', ExitCode.Usage, 'Pass --yes.');
  const answer = await prompts.confirm({ message, initialValue: false });
  if (prompts.isCancel(answer) || !answer) throw new CliError('Cancelled.', ExitCode.Failed);
}

function deleteCommand(): Command {
  return new Command('delete')
    .description('Delete an app (its installations and tokens end).')
    .argument('[appId]', "the app (default: this folder's)")
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      action(async (appId: string | undefined, options: { yes?: boolean }) => {
        const context = appContext(appId);
        await confirm(`Delete app ${context.appId}? Its installations and tokens end.`, options.yes);
        await appsApi.delete(context.client, context.appId);
        const file = readAppFile();
        if (file?.appId === context.appId) rmSync(APP_FILE, { force: true });
        out(`Deleted ${context.appId}.`);
      }),
    );
}

function rotateCommand(): Command {
  return new Command('rotate-secret')
    .description(`New secrets for an app (the old signing secret keeps signing for 24 h); ${APP_FILE} is updated.`)
    .argument('[appId]', "the app (default: this folder's)")
    .addOption(new Option('--secret <name>', 'rotate only this one').choices([...SECRETS]))
    .option('--json', 'print the new secrets as JSON')
    .action(
      action(async (appId: string | undefined, options: { secret?: SecretName; json?: boolean }) => {
        const context = appContext(appId);
        const secrets = await appsApi.rotate(context.client, context.appId, options.secret);
        const file = readAppFile();
        const saved = file?.appId === context.appId && file.url === context.client.baseUrl;
        if (saved) writeAppFile({ ...file, ...secrets });
        if (options.json) return printJson({ appId: context.appId, ...secrets });
        const rotated = options.secret ? [options.secret] : [...SECRETS];
        out(`Rotated ${rotated.join(', ')} of ${context.appId}.`);
        if (saved) out(paint('gray', `Saved in ${APP_FILE}; restart the app so it reads them.`));
        else for (const name of rotated) out(`  ${name}: ${secrets[name]}`);
      }),
    );
}

/** `switchboard apps …`: the Pumble app management API from the terminal. */
export function appsCommand(): Command {
  return usageExitCode(
    new Command('apps')
      .description('Register and manage your apps (Pumble app management API).')
      .addCommand(createCommand())
      .addCommand(updateCommand())
      .addCommand(listCommand())
      .addCommand(showCommand())
      .addCommand(deleteCommand())
      .addCommand(rotateCommand())
      .addCommand(installCommand()),
  );
}
