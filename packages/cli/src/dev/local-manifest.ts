import { type Manifest, parseManifest } from '@switchboard/protocol';
import { rewriteManifestUrls } from '@switchboard/sdk/testing';
import { CliError } from '../api/errors.js';

/**
 * The platform's copy of the manifest: every URL's host and port replaced by where the app is
 * reached in development, paths kept; a redirect URL added if there is none (installing needs
 * one). The file on disk is never changed.
 */
export function localManifest(manifest: Manifest, base: string): Manifest {
  const parsed = parseManifest(rewriteManifestUrls(manifest, base));
  if (!parsed.ok) throw new CliError(`The manifest with local URLs is invalid: ${parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  return parsed.manifest;
}

/** One line per route of the synced manifest: what a person can trigger and where it goes (socket mode: over the socket). */
export function describeRoutes(manifest: Manifest): string[] {
  const to = (url: string) => (manifest.socketMode ? '' : ` → ${url}`);
  const lines = manifest.slashCommands.map((command) => `${command.command}${to(command.url)}`);
  for (const shortcut of manifest.shortcuts) lines.push(`shortcut ${shortcut.name}${to(shortcut.url)}`);
  if (manifest.eventSubscriptions.events.length > 0)
    lines.push(`events ${manifest.eventSubscriptions.events.join(', ')}${to(manifest.eventSubscriptions.url)}`);
  if (manifest.blockInteraction) lines.push(`block interactions${to(manifest.blockInteraction.url)}`);
  if (manifest.viewAction) lines.push(`view actions${to(manifest.viewAction.url)}`);
  for (const menu of manifest.dynamicMenus ?? []) lines.push(`menu ${menu.onAction}${to(menu.url)}`);
  return lines;
}
