import { Command } from 'commander';
import { serveCommand } from './commands/serve.js';

/** The `switchboard` command. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command().name('switchboard').description('Switchboard: a self-hostable chat-app platform and its developer tools.').version('0.1.0');
  program.addCommand(serveCommand());
  await program.parseAsync(argv);
}
