import { formatConsentScopes, type Manifest, type Scope, scopeDescriptions } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { WebApp, WebAppsResponse, WebSlashCommand } from './web-api-schemas.js';
import type { AppCandidateRow, WebAppsStore } from './web-apps-store.js';

const isAdmin = (role: string) => role === 'owner' || role === 'admin';

/** The consent screen URL for an app (PROTOCOL.md 4.1), relative to the platform. */
function consentUrl(appId: string, manifest: Manifest, workspaceId: string, reinstall: boolean): string | null {
  const redirectUrl = manifest.redirectUrls[0];
  if (!redirectUrl) return null;
  const scopes = formatConsentScopes({ userScopes: manifest.scopes.userScopes ?? [], botScopes: manifest.bot ? (manifest.scopes.botScopes ?? []) : [] });
  const query = new URLSearchParams({ clientId: appId, redirectUrl, scopes, defaultWorkspaceId: workspaceId });
  if (reinstall) query.set('isReinstall', 'true');
  return `/access-request?${query}`;
}

const described = (scopes: readonly Scope[]) => scopes.map((scope) => ({ scope, description: scopeDescriptions[scope] ?? scope }));

function parseScopes(json: string | null): Scope[] | undefined {
  if (json === null) return undefined;
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as Scope[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What the chat page shows of apps: Configure Apps, and the installed apps' slash commands. */
export class WebAppsService {
  constructor(private readonly store: WebAppsStore) {}

  async list(person: PersonActor): Promise<WebAppsResponse> {
    const rows = await this.store.candidates(person.workspaceId, person.userId);
    const authorized = await this.store.authorizedAppIds(person.workspaceId, person.userId);
    const bots = await this.store.botProfiles(rows.flatMap((r) => (r.bot_user_id ? [r.bot_user_id] : [])));
    const apps = rows.map((row) => this.view(row, person, authorized.has(row.id), bots));
    return { canManage: isAdmin(person.role), apps };
  }

  /** Slash commands of the apps installed in the caller's workspace, sorted by command. */
  async commands(person: PersonActor): Promise<WebSlashCommand[]> {
    const { apps } = await this.list(person);
    return apps
      .filter((a) => a.installed)
      .flatMap((a) => a.slashCommands)
      .sort((a, b) => a.command.localeCompare(b.command));
  }

  private view(row: AppCandidateRow, person: PersonActor, authorizedByMe: boolean, bots: Map<string, { name: string; title: string | null }>): WebApp {
    const manifest = JSON.parse(row.manifest) as Manifest;
    const profile = row.bot_user_id ? bots.get(row.bot_user_id) : undefined;
    const consent = consentUrl(row.id, manifest, person.workspaceId, false);
    return {
      id: row.id,
      displayName: manifest.displayName,
      avatarUrl: manifest.avatarUrl ?? null,
      helpUrl: manifest.helpUrl ?? null,
      installed: row.installed,
      bot: row.bot_user_id && profile ? { userId: row.bot_user_id, name: profile.name, title: profile.title } : null,
      hasBot: manifest.bot,
      botTitle: manifest.botTitle ?? null,
      botScopes: described((row.installed ? parseScopes(row.bot_scopes) : undefined) ?? (manifest.bot ? (manifest.scopes.botScopes ?? []) : [])),
      userScopes: described(manifest.scopes.userScopes ?? []),
      authorizedByMe,
      mine: row.owner_user_id === person.userId,
      slashCommands: manifest.slashCommands.map((c) => ({
        command: c.command,
        description: c.description ?? null,
        usageHint: c.usageHint ?? null,
        appId: row.id,
        appName: manifest.displayName,
      })),
      installUrl: manifest.listingUrl ?? consent,
      reinstallUrl: consentUrl(row.id, manifest, person.workspaceId, true),
    };
  }
}
