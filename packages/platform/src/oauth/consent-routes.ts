import { createHmac } from 'node:crypto';
import { isSwitchboardError, type Scope, SwitchboardError, scopeDescriptions } from '@switchboard/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PersonActor } from '../auth/actor.js';
import type { Authenticator } from '../auth/authenticate.js';
import type { UsersStore } from '../chat/users/users-store.js';
import { constantTimeEqual } from '../security/tokens.js';
import { escapeHtml, page } from '../web/html.js';
import { secureHtml } from '../web/security-headers.js';
import type { CheckedConsent, ConsentRequest, GrantService } from './grant-service.js';

const ConsentQuery = z.object({
  redirectUrl: z.string().max(2048).default(''),
  clientId: z.string().max(64).default(''),
  scopes: z.string().max(2000).default(''),
  defaultWorkspaceId: z.string().max(64).optional(),
  isReinstall: z.string().max(8).optional(),
  state: z.string().max(1024).optional(),
  code_challenge: z.string().max(128).optional(),
  /** `watson` when the request came through /oauth/authorize (its code is redeemed at /oauth/token). */
  flow: z.enum(['pumble', 'watson']).optional(),
});
const ConsentForm = ConsentQuery.extend({ workspaceId: z.string().max(64), decision: z.enum(['allow', 'cancel']), csrf: z.string().max(128) });

export interface ConsentRoutesOptions {
  grants: GrantService;
  users: UsersStore;
  auth: Authenticator;
  csrfKey: Buffer;
}

function toConsent(query: z.infer<typeof ConsentQuery>): ConsentRequest {
  return {
    clientId: query.clientId,
    redirectUrl: query.redirectUrl,
    scopes: query.scopes,
    isReinstall: query.isReinstall === 'true',
    state: query.state,
    codeChallenge: query.code_challenge,
    flow: query.flow,
  };
}

/** One group of scopes in plain words (the scope name stays visible, small, for developers). */
function scopeList(title: string, scopes: readonly Scope[]): string {
  if (scopes.length === 0) return '';
  const items = scopes.map((s) => `<li><span class="scope-text">${escapeHtml(scopeDescriptions[s])}</span> <code>${escapeHtml(s)}</code></li>`).join('');
  return `<section class="scope-group" aria-label="${escapeHtml(title)}"><h2>${escapeHtml(title)}</h2><ul class="scope-list">${items}</ul></section>`;
}

/** The origin the consent form may redirect to (CSP form-action), when the redirect URL parses. */
function redirectOrigin(redirectUrl: string): string[] {
  try {
    return [new URL(redirectUrl).origin];
  } catch {
    return [];
  }
}

function errorPage(reply: FastifyReply, status: number, message: string) {
  return secureHtml(reply.status(status)).send(
    page(
      'Cannot authorize',
      `<h1>This app cannot be authorized</h1><p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/">Back to Switchboard</a></p>`,
    ),
  );
}

function consentBody(checked: CheckedConsent, query: z.infer<typeof ConsentQuery>, csrf: string, workspaces: { id: string; name: string }[], selected: string) {
  const manifest = checked.manifest;
  const hidden = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('');
  const initial = escapeHtml(manifest.displayName.trim().charAt(0).toUpperCase() || '?');
  const avatar = manifest.avatarUrl
    ? `<img class="app-avatar" src="${escapeHtml(manifest.avatarUrl)}" alt="">`
    : `<span class="app-avatar" aria-hidden="true">${initial}</span>`;
  const bot = manifest.bot
    ? `<p class="consent-bot"><span class="badge bot-badge">BOT</span> <strong>${escapeHtml(manifest.displayName)}</strong>${manifest.botTitle ? ` · ${escapeHtml(manifest.botTitle)}` : ''} joins the workspace.</p>`
    : '';
  const lead =
    query.isReinstall === 'true' ? 'Reinstalling re-authorizes the app’s bot with the permissions below.' : 'Review what the app asks for before you allow it.';
  const options = workspaces.map((w) => `<option value="${escapeHtml(w.id)}"${w.id === selected ? ' selected' : ''}>${escapeHtml(w.name)}</option>`).join('');
  return `<div class="consent-app">${avatar}<div><h1>${escapeHtml(manifest.displayName)} wants access</h1>${bot}</div></div>
<p class="muted">${lead}</p>
${scopeList('What the bot may do', checked.botScopes)}${scopeList('What the app may do for you', checked.userScopes)}
<form method="post" action="/access-request" class="consent-form">${hidden}<input type="hidden" name="csrf" value="${csrf}">
<label for="workspaceId">Workspace</label><select id="workspaceId" name="workspaceId">${options}</select>
<div class="actions"><button type="submit" name="decision" value="cancel" class="button">Cancel</button><button class="button primary" type="submit" name="decision" value="allow">Allow</button></div></form>`;
}

/** The consent screen (PROTOCOL.md 4.1): a signed-in person allows or cancels an app's request. */
export const consentRoutes: FastifyPluginAsyncZod<ConsentRoutesOptions> = async (app, { grants, users, auth, csrfKey }) => {
  const csrfFor = (person: PersonActor) => createHmac('sha256', csrfKey).update(person.sessionId).digest('base64url');

  async function signedIn(request: FastifyRequest): Promise<PersonActor | undefined> {
    try {
      const actor = await auth.resolve(request);
      return actor?.kind === 'person' ? actor : undefined;
    } catch {
      return undefined;
    }
  }

  app.get('/access-request', { schema: { tags: ['oauth'], summary: 'Consent screen (HTML)', querystring: ConsentQuery } }, async (request, reply) => {
    const person = await signedIn(request);
    if (!person) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
    let checked: CheckedConsent;
    try {
      checked = await grants.check(toConsent(request.query));
    } catch (error) {
      if (isSwitchboardError(error)) return errorPage(reply, 400, error.message);
      throw error;
    }
    const workspaces = await users.listWorkspacesOfAccount(person.accountId);
    const selected = request.query.defaultWorkspaceId ?? person.workspaceId;
    const body = consentBody(checked, request.query, csrfFor(person), workspaces, selected);
    return secureHtml(reply, redirectOrigin(checked.redirectUrl)).send(page(`Authorize ${checked.manifest.displayName}`, body));
  });

  app.post('/access-request', { schema: { tags: ['oauth'], summary: 'Consent decision (form post)', body: ConsentForm } }, async (request, reply) => {
    const person = await signedIn(request);
    if (!person) return errorPage(reply, 401, 'Your session has ended; start again from the app.');
    if (!constantTimeEqual(csrfFor(person), request.body.csrf)) return errorPage(reply, 403, 'The form has expired; start again from the app.');
    let checked: CheckedConsent;
    const consent = toConsent(request.body);
    try {
      checked = await grants.check(consent);
    } catch (error) {
      if (isSwitchboardError(error)) return errorPage(reply, 400, error.message);
      throw error;
    }
    if (request.body.decision === 'cancel') return reply.redirect(grants.denied(checked, request.body.state), 302);
    const membership = await grants.membership(person.accountId, request.body.workspaceId);
    if (!membership) return errorPage(reply, 403, new SwitchboardError('forbidden', 'You are not a member of that workspace.').message);
    const { redirectUrl } = await grants.allow(checked, consent, request.body.workspaceId, membership.id);
    return reply.redirect(redirectUrl, 302);
  });
};
