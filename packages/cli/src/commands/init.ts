import { resolve } from 'node:path';
import * as prompts from '@clack/prompts';
import { Command, Option } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action, out, paint } from '../api/output.js';
import { appNames } from '../init/app-names.js';
import { linksToCheckout, scaffold, TEMPLATES, type TemplateName } from '../init/scaffold.js';

interface InitFlags {
  template?: TemplateName;
  name?: string;
}

const TEMPLATE_HINTS: Record<TemplateName, string> = {
  echo: '/echo and a NEW_MESSAGE listener, over HTTP',
  socket: 'the same over a WebSocket (no public URL needed)',
  interactive: 'a button that opens a modal form',
};

/** Asks for what was not given, only when a person is at the terminal. */
async function ask(dir: string | undefined, flags: InitFlags): Promise<{ dir: string; template: TemplateName }> {
  if (dir) return { dir, template: flags.template ?? 'echo' };
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new CliError('Which folder should the app go in?', ExitCode.Usage, 'Name it: switchboard init my-bot [--template echo|socket|interactive].');
  }
  prompts.intro('switchboard init');
  const answer = await prompts.text({ message: 'Folder for the new app', placeholder: 'my-bot', defaultValue: 'my-bot' });
  if (prompts.isCancel(answer)) throw new CliError('Cancelled.', ExitCode.Usage);
  let template = flags.template;
  if (!template) {
    const picked = await prompts.select({
      message: 'Template',
      options: TEMPLATES.map((value) => ({ value, label: value, hint: TEMPLATE_HINTS[value] })),
      initialValue: 'echo' as TemplateName,
    });
    if (prompts.isCancel(picked)) throw new CliError('Cancelled.', ExitCode.Usage);
    template = picked;
  }
  return { dir: answer || 'my-bot', template };
}

/** `switchboard init [dir]`: a new app folder, ready for `npm install` and `switchboard dev`. */
export function initCommand(): Command {
  return new Command('init')
    .description('Create a new app: manifest.json, src/, a test, README, ready for `switchboard dev`.')
    .argument('[dir]', 'the folder to create (asked for in a terminal when missing)')
    .addOption(new Option('-t, --template <template>', 'what the app starts with').choices([...TEMPLATES]))
    .option('--name <displayName>', "the app's display name (default: from the folder name)")
    .action(
      action(async (dirArg: string | undefined, flags: InitFlags) => {
        const { dir, template } = await ask(dirArg, flags);
        const target = resolve(dir);
        const names = appNames(target, flags.name);
        const files = scaffold({ dir: target, template, names });
        out(`Created ${paint('bold', names.displayName)} in ${dir} (${template} template):`);
        for (const file of files) out(paint('gray', `  ${file}`));
        const checkout = linksToCheckout();
        if (checkout) out(`Its @switchboard/* dependencies link to the packages of the checkout at ${checkout} (file: paths).`);
        out('');
        out('Next:');
        out(paint('cyan', `  cd ${dir}`));
        out(paint('cyan', '  npm install'));
        out(paint('cyan', '  npx switchboard dev'));
      }),
    );
}
