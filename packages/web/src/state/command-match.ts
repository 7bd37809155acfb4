import type { SlashCommand } from '../api/types.js';

/** Commands matching what is typed: `/ec` lists `/echo`; prefix matches first, then anywhere in command or description. */
export function matchCommands(commands: readonly SlashCommand[], text: string): SlashCommand[] {
  if (!text.startsWith('/') || /\s/.test(text)) return [];
  const typed = text.toLowerCase();
  const prefix = commands.filter((c) => c.command.toLowerCase().startsWith(typed));
  const rest = commands.filter((c) => !prefix.includes(c) && `${c.command} ${c.description ?? ''}`.toLowerCase().includes(typed.slice(1)));
  return [...prefix, ...rest].slice(0, 8);
}
