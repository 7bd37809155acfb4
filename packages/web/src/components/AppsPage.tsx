import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/http.js';
import type { WebApp, WebScope } from '../api/types.js';
import { safeHref } from '../format/rich-text.js';
import { chat } from '../state/chat-store.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';

function Scopes({ title, scopes }: { title: string; scopes: WebScope[] }) {
  if (scopes.length === 0) return null;
  return (
    <div class="scope-group">
      <h4>{title}</h4>
      <ul class="scope-list">
        {scopes.map((s) => (
          <li key={s.scope}>
            <span class="scope-text">{s.description}</span> <code>{s.scope}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AppCard({ app, canManage, onChanged }: { app: WebApp; canManage: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const run = (method: string, path: string) => {
    setBusy(true);
    api(method, path)
      .then(() => {
        onChanged();
        void chat.refreshCommands();
      })
      .catch((e: Error) => chat.notify(e.message))
      .finally(() => setBusy(false));
  };
  const install = app.installUrl ? safeHref(app.installUrl) : undefined;
  const reinstall = app.reinstallUrl ? safeHref(app.reinstallUrl) : undefined;
  const help = safeHref(app.helpUrl);
  const needsMe = app.installed && !app.authorizedByMe && app.userScopes.length > 0;
  return (
    <article class="app-card" aria-labelledby={`app-${app.id}`}>
      <header class="app-card-header">
        <Avatar id={app.id} name={app.displayName} url={app.avatarUrl} size={44} />
        <div>
          <h3 id={`app-${app.id}`}>{app.displayName}</h3>
          <p class="muted small">
            {app.installed ? <span class="badge ok">Installed</span> : <span class="badge">Not installed</span>}
            {app.mine && <span class="badge">Yours</span>}
            {app.authorizedByMe && <span class="badge">Authorized by you</span>}
          </p>
        </div>
        {help && (
          <a class="app-help" href={help} target="_blank" rel="noopener noreferrer">
            Help
          </a>
        )}
      </header>
      {app.hasBot && (
        <p class="app-bot">
          Bot: <strong>{app.bot?.name ?? app.displayName}</strong>
          {(app.bot?.title ?? app.botTitle) && <span class="bot-title"> {app.bot?.title ?? app.botTitle}</span>}
        </p>
      )}
      {app.slashCommands.length > 0 && (
        <p class="app-commands">
          Commands:{' '}
          {app.slashCommands.map((c) => (
            <code key={c.command} title={c.description ?? ''}>
              {c.command}
            </code>
          ))}
        </p>
      )}
      <Scopes title="What the bot may do" scopes={app.botScopes} />
      <Scopes title="What the app may do for you" scopes={app.userScopes} />
      <div class="actions wrap">
        {!app.installed && install && (
          <a class="button primary" href={install}>
            Install
          </a>
        )}
        {needsMe && install && (
          <a class="button primary" href={install}>
            Authorize
          </a>
        )}
        {app.installed && canManage && reinstall && (
          <a class="button" href={reinstall}>
            Reinstall
          </a>
        )}
        {app.authorizedByMe && (
          <button type="button" class="button" disabled={busy} onClick={() => run('DELETE', `/v1/apps/${encodeURIComponent(app.id)}/authorization`)}>
            Unauthorize me
          </button>
        )}
        {app.installed && canManage && (
          <button type="button" class="button danger" disabled={busy} onClick={() => run('DELETE', `/v1/apps/${encodeURIComponent(app.id)}/installation`)}>
            Uninstall
          </button>
        )}
      </div>
    </article>
  );
}

/** Configure Apps: the workspace's installed apps (and the ones you may install) with scopes, bot and actions. */
export function AppsPage({ onMenu }: { onMenu: () => void }) {
  const [data, setData] = useState<{ canManage: boolean; apps: WebApp[] }>();
  const load = () => {
    api<{ canManage: boolean; apps: WebApp[] }>('GET', '/v1/web/apps')
      .then(setData)
      .catch((e: Error) => chat.notify(e.message));
  };
  useEffect(load, []);
  const installed = data?.apps.filter((a) => a.installed) ?? [];
  const available = data?.apps.filter((a) => !a.installed) ?? [];
  return (
    <section class="apps-page" aria-labelledby="apps-title">
      <header class="pane-header">
        <button type="button" class="icon-button menu-button" aria-label="Open channel list" onClick={onMenu}>
          <Icon name="menu" />
        </button>
        <div class="channel-heading">
          <h1 id="apps-title">Configure Apps</h1>
          <p class="channel-description">Apps and bots in this workspace, what they may do, and who authorized them</p>
        </div>
      </header>
      <div class="apps-body">
        {!data && <p aria-busy="true">Loading apps…</p>}
        {data && (
          <>
            <h2 class="section-title">Installed in this workspace</h2>
            {installed.length === 0 && <p class="muted">No app is installed yet.</p>}
            <div class="app-grid">
              {installed.map((a) => (
                <AppCard key={a.id} app={a} canManage={data.canManage} onChanged={load} />
              ))}
            </div>
            {available.length > 0 && (
              <>
                <h2 class="section-title">Available to install</h2>
                <div class="app-grid">
                  {available.map((a) => (
                    <AppCard key={a.id} app={a} canManage={data.canManage} onChanged={load} />
                  ))}
                </div>
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
