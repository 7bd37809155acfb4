import { Command } from 'commander';
import { appsCommand } from './commands/apps.js';
import { checkAppCommand } from './commands/check-app.js';
import { deliveriesCommand } from './commands/deliveries.js';
import { devCommand } from './commands/dev.js';
import { initCommand } from './commands/init.js';
import { listenCommand } from './commands/listen.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { redeliverCommand } from './commands/redeliver.js';
import { relayCommand } from './commands/relay.js';
import { serveCommand } from './commands/serve.js';
import { usersCommand } from './commands/users.js';
import { whoamiCommand } from './commands/whoami.js';

/** The `switchboard` command. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command().name('switchboard').description('Switchboard: a self-hostable chat-app platform and its developer tools.').version('0.1.0');
  program.addCommand(serveCommand());
  program.addCommand(initCommand());
  program.addCommand(devCommand());
  program.addCommand(loginCommand());
  program.addCommand(logoutCommand());
  program.addCommand(whoamiCommand());
  program.addCommand(appsCommand());
  program.addCommand(checkAppCommand());
  program.addCommand(relayCommand());
  program.addCommand(listenCommand());
  program.addCommand(deliveriesCommand());
  program.addCommand(redeliverCommand());
  program.addCommand(usersCommand());
  await program.parseAsync(argv);
}
