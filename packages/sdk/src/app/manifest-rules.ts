import { readFileSync } from 'node:fs';
import { EVENT_TYPES, type EventType, type Manifest, parseManifest } from '@switchboard/protocol';
import { AppConfigError } from './config-error.js';

/**
 * The manifest is the contract with the platform: a listener for something it does not
 * declare would never be called. These checks run when the listener is registered, so such
 * mistakes stop the app at start-up.
 */

/**
 * Loads and validates the manifest from an object or a JSON file.
 * @example const manifest = loadManifest({ manifestPath: './manifest.json' });
 */
export function loadManifest(source: { manifest?: unknown; manifestPath?: string }): Manifest {
  let input = source.manifest;
  if (input === undefined && source.manifestPath !== undefined) {
    try {
      input = JSON.parse(readFileSync(source.manifestPath, 'utf8'));
    } catch (error) {
      throw new AppConfigError([`Cannot read the manifest at ${source.manifestPath}: ${(error as Error).message}`]);
    }
  }
  if (input === undefined) throw new AppConfigError(['createApp needs a manifest or a manifestPath.']);
  const result = parseManifest(input);
  if (!result.ok) throw new AppConfigError(result.errors.map((e) => `manifest ${e.path}: ${e.message}`));
  return result.manifest;
}

const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['NEW_MESSAGE', 'UPDATED_MESSAGE']);

/** Message events carry text, so only they accept `match` and `includeBotMessages`. */
export function isMessageEvent(name: EventType): boolean {
  return MESSAGE_EVENTS.has(name);
}

/**
 * Checks one registration against the manifest; throws an {@link AppConfigError} naming the fix.
 * @example checkRegistration(manifest, 'command', '/echo')
 */
export function checkRegistration(manifest: Manifest, kind: 'command' | 'shortcut' | 'event' | 'action' | 'view' | 'menu', name: string): void {
  const problem = findProblem(manifest, kind, name);
  if (problem) throw new AppConfigError([problem]);
}

function findProblem(manifest: Manifest, kind: string, name: string): string | undefined {
  switch (kind) {
    case 'command':
      return manifest.slashCommands.some((c) => c.command.toLowerCase() === name.toLowerCase())
        ? undefined
        : `A handler is registered for ${name}, but the manifest declares no such slash command (declared: ${list(manifest.slashCommands.map((c) => c.command))}).`;
    case 'shortcut':
      return manifest.shortcuts.some((s) => s.name === name)
        ? undefined
        : `A handler is registered for shortcut "${name}", but the manifest declares no such shortcut (declared: ${list(manifest.shortcuts.map((s) => s.name))}).`;
    case 'event':
      if (!(EVENT_TYPES as readonly string[]).includes(name)) return `Unknown event "${name}"; known events: ${EVENT_TYPES.join(', ')}.`;
      // App events reach every app without a subscription.
      if (name === 'APP_UNINSTALLED' || name === 'APP_UNAUTHORIZED') return undefined;
      return (manifest.eventSubscriptions.events as readonly string[]).includes(name)
        ? undefined
        : `A handler is registered for ${name}, but manifest.eventSubscriptions.events does not subscribe to it.`;
    case 'action':
      return manifest.blockInteraction ? undefined : `A handler is registered for block action "${name}", but the manifest has no blockInteraction url.`;
    case 'view':
      return manifest.viewAction ? undefined : 'A view handler is registered, but the manifest has no viewAction url.';
    case 'menu':
      return manifest.dynamicMenus?.some((m) => m.onAction === name)
        ? undefined
        : `A producer is registered for dynamic menu "${name}", but the manifest declares no such dynamic menu.`;
    default:
      return `Unknown listener kind ${kind}.`;
  }
}

const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));
