import {
  type AppPayload,
  type EventType,
  isWebhookEventName,
  type Manifest,
  WEBHOOK_EVENT_NAMES,
  type WebhookEvent,
  type WebhookEventName,
} from '@switchboard/protocol';
import { DeliveryDeduper } from '../delivery-deduper.js';
import { InstallFlow, type InstallUrlOptions } from '../oauth/install-flow.js';
import { type HttpAddress, HttpReceiver, type ListenOptions } from '../receivers/http-receiver.js';
import type { Receiver } from '../receivers/receiver.js';
import type { Router } from '../receivers/router.js';
import { type AppOptions, checkOptions } from './app-options.js';
import { BotCredentials } from './bot-credentials.js';
import { AppConfigError } from './config-error.js';
import type { ActionContext, BaseContext, CommandContext, EventContext, EventPayload, ShortcutContext, ViewContext, WebhookContext } from './context.js';
import { registerDeclarative } from './declarative.js';
import { DeliveryRunner, type ErrorInfo, type ErrorListener } from './delivery-runner.js';
import { type AnyContext, commandKey, DispatchTable, webhookKey } from './dispatch-table.js';
import { appEnvironment, withEnvironment } from './environment.js';
import { chainOf, type MenuProducer, type MessageEventOptions, menuHandler, messageFilters, type ViewFilter, viewFilter } from './listener-chains.js';
import { checkRegistration, isMessageEvent, loadManifest } from './manifest-rules.js';
import type { Middleware } from './middleware.js';

/** The context global middleware (`app.use`) sees: any trigger, event or webhook event. */
export type AnyListenerContext = BaseContext<AppPayload | EventPayload | WebhookEvent>;

/**
 * A Switchboard (or Pumble) app: listeners in one dispatch table, a transport-agnostic core,
 * and the HTTP adapters. Create it with {@link createApp}.
 */
export class App {
  readonly manifest: Manifest;
  /** Custom HTTP routes, shared by `fetch`, `requestListener` and `start`. */
  readonly router: Router;
  private readonly table = new DispatchTable();
  private readonly middleware: Middleware<AnyContext>[] = [];
  private readonly errorListeners: ErrorListener[] = [];
  private readonly credentials: BotCredentials;
  private readonly runner: DeliveryRunner;
  private readonly http: HttpReceiver;
  private readonly receiver: Receiver | undefined;
  /** Whether Watson webhooks can reach the listeners: verified over HTTP, or by the receiver. */
  private readonly takesWebhooks: boolean;
  private readonly install: InstallFlow | undefined;
  private started = false;

  constructor(options: AppOptions) {
    checkOptions(options);
    this.manifest = loadManifest(options);
    this.credentials = new BotCredentials(options);
    this.runner = new DeliveryRunner({
      table: this.table,
      middleware: this.middleware,
      credentials: this.credentials,
      deduper: new DeliveryDeduper({ capacity: options.dedupeCapacity }),
      autoAckAfterMs: options.autoAckAfterMs ?? 2500,
      reportError: (error, info) => this.emitError(error, info),
    });
    this.http = new HttpReceiver(options);
    this.http.bind(this.runner);
    this.router = this.http.router;
    this.receiver = options.receiver;
    this.takesWebhooks = options.webhookSecret !== undefined || options.receiver !== undefined;
    if (options.onError) this.onError(options.onError);
    if (options.oauth && options.tokenStore && options.apiBaseUrl) {
      const credentials = this.credentials;
      this.install = new InstallFlow({
        ...options.oauth,
        manifest: this.manifest,
        apiBaseUrl: options.apiBaseUrl,
        tokenStore: options.tokenStore,
        ready: () => credentials.ready(),
        clientOptions: options.clientOptions,
        now: options.now,
      });
      this.router.get(this.install.redirectPath, this.install.handleRedirect);
    }
    registerDeclarative(this, options);
    options.onServerConfiguring?.(this.router);
  }

  /**
   * Handles a slash command declared in the manifest.
   * @example app.command('/echo', async (ctx) => { ctx.ack(); await ctx.say(ctx.payload.text); });
   */
  command(command: string, ...handlers: Middleware<CommandContext>[]): this {
    checkRegistration(this.manifest, 'command', command);
    this.table.add(commandKey(command), chainOf([], handlers));
    return this;
  }

  /**
   * Handles a global or message shortcut.
   * @example app.shortcut('say_hi', (ctx) => ctx.ack('Hi!'));
   */
  shortcut(name: string, ...handlers: Middleware<ShortcutContext>[]): this {
    checkRegistration(this.manifest, 'shortcut', name);
    this.table.add(`shortcut:${name}`, chainOf([], handlers));
    return this;
  }

  /**
   * Handles an event; acked before the handler runs. Message events accept `match` and `includeBotMessages`.
   * @example app.event('NEW_MESSAGE', { match: /^ping$/ }, (ctx) => ctx.reply('pong'));
   */
  event<T extends EventType>(name: T, ...handlers: Middleware<EventContext<T>>[]): this;
  event<T extends EventType>(name: T, options: MessageEventOptions, ...handlers: Middleware<EventContext<T>>[]): this;
  event<T extends EventType>(name: T, ...rest: (MessageEventOptions | Middleware<EventContext<T>>)[]): this {
    checkRegistration(this.manifest, 'event', name);
    const options = typeof rest[0] === 'object' ? (rest.shift() as MessageEventOptions) : {};
    const filters = messageFilters(`event ${name}`, isMessageEvent(name), options, 'NEW_MESSAGE and UPDATED_MESSAGE');
    this.table.add(`event:${name}`, chainOf(filters, rest as Middleware<EventContext<T>>[]));
    return this;
  }

  /**
   * Handles a Watson-style webhook event (PROTOCOL.md 8) by name, for an app that registered a
   * webhook: acked before the handler runs, like events. Needs `webhookSecret` (the enable-time
   * challenge is answered for you) or a receiver that verifies webhooks itself. Message webhooks
   * accept `match` and `includeBotMessages` like message events.
   * @example app.webhook('message-created', { match: /^deploy/ }, (ctx) => ctx.reply(`Deploying for ${ctx.payload.userId}`));
   */
  webhook<N extends WebhookEventName>(name: N, ...handlers: Middleware<WebhookContext<N>>[]): this;
  webhook<N extends WebhookEventName>(name: N, options: MessageEventOptions, ...handlers: Middleware<WebhookContext<N>>[]): this;
  webhook<N extends WebhookEventName>(name: N, ...rest: (MessageEventOptions | Middleware<WebhookContext<N>>)[]): this {
    const problems: string[] = [];
    if (!isWebhookEventName(name)) problems.push(`Unknown webhook event "${String(name)}" (known: ${WEBHOOK_EVENT_NAMES.join(', ')}).`);
    if (!this.takesWebhooks) problems.push('app.webhook needs webhookSecret (shown once when the webhook was created), or a receiver that verifies webhooks.');
    if (problems.length > 0) throw new AppConfigError(problems);
    const options = typeof rest[0] === 'object' ? (rest.shift() as MessageEventOptions) : {};
    const isMessage = name === 'message-created' || name === 'message-edited';
    const filters = messageFilters(`webhook ${name}`, isMessage, options, 'message-created and message-edited');
    this.table.add(webhookKey(name), chainOf(filters, rest as Middleware<WebhookContext<N>>[]));
    return this;
  }

  /**
   * Handles a block interaction (button, select, …) by its `onAction`.
   * @example app.action('approve', async (ctx) => { ctx.ack(); await ctx.reply(`Approved: ${ctx.value}`); });
   */
  action(onAction: string, ...handlers: Middleware<ActionContext>[]): this {
    checkRegistration(this.manifest, 'action', onAction);
    this.table.add(`action:${onAction}`, chainOf([], handlers));
    return this;
  }

  /**
   * Handles modal submits and closes, optionally only for one `callbackId` or action type.
   * @example app.view({ callbackId: 'feedback', viewActionType: 'SUBMIT' }, (ctx) => ctx.ack());
   */
  view(...handlers: Middleware<ViewContext>[]): this;
  view(filter: ViewFilter, ...handlers: Middleware<ViewContext>[]): this;
  view(...rest: (ViewFilter | Middleware<ViewContext>)[]): this {
    checkRegistration(this.manifest, 'view', '');
    const filter = typeof rest[0] === 'object' ? (rest.shift() as ViewFilter) : undefined;
    this.table.add('view', chainOf(filter ? [viewFilter(filter)] : [], rest as Middleware<ViewContext>[]));
    return this;
  }

  /**
   * Answers a dynamic menu with the producer's options.
   * @example app.menu('pick_project', async (ctx) => projects.filter((p) => p.includes(ctx.payload.query)).map((p) => ({ text: p, value: p })));
   */
  menu(onAction: string, producer: MenuProducer): this {
    checkRegistration(this.manifest, 'menu', onAction);
    this.table.add(`menu:${onAction}`, chainOf([], [menuHandler(producer)]));
    return this;
  }

  /**
   * Middleware run before every listener (logging, metrics, a shared filter).
   * @example app.use(async (ctx, next) => { const t = Date.now(); await next(); log(ctx.payload, Date.now() - t); });
   */
  use(middleware: Middleware<AnyListenerContext>): this {
    this.middleware.push(middleware as unknown as Middleware<AnyContext>);
    return this;
  }

  /**
   * Receives every error a listener or the transport raised; the process keeps running.
   * Without a listener, errors are logged to stderr.
   * @example app.onError((error, { payload }) => logger.error({ error, payload }));
   */
  onError(listener: ErrorListener): this {
    this.errorListeners.push(listener);
    return this;
  }

  /**
   * The consent page URL that installs the app (PROTOCOL.md 4.1), with a signed, expiring,
   * single-use `state` and a PKCE challenge. Send it to a person; the platform brings them back
   * to the redirect route, which saves the tokens and calls `oauth.onSuccess` / `oauth.onError`.
   * @example ctx.ack(`Install me in another workspace: ${app.installUrl({ workspaceId: 'W2' })}`);
   */
  installUrl(options: InstallUrlOptions = {}): string {
    if (!this.install) throw new AppConfigError(['installUrl needs createApp({ oauth: { clientId, clientSecret, stateSecret }, tokenStore, apiBaseUrl }).']);
    return this.install.installUrl(options);
  }

  /** Route keys and listener counts, e.g. `["command:/echo x1"]`. @example console.log(app.routes); */
  get routes(): string[] {
    return this.table.describe();
  }

  /**
   * The Web-standard HTTP handler: verifies, dispatches, answers.
   * @example export default { fetch: app.fetch }; // Bun, Deno, workers
   */
  get fetch(): (request: Request) => Promise<Response> {
    return this.http.fetch;
  }

  /**
   * A node:http listener, to mount in express / fastify / a plain server.
   * @example createServer(app.requestListener).listen(3000);
   */
  get requestListener(): HttpReceiver['requestListener'] {
    return this.http.requestListener;
  }

  /**
   * Starts the transport: an own HTTP server by default, else the `receiver` given to createApp.
   * @example const { url } = (await app.start({ port: 3000 }))!;
   */
  async start(listen: ListenOptions = {}): Promise<HttpAddress | undefined> {
    if (this.started) throw new Error('The app is already started.');
    await this.credentials.ready();
    if (this.receiver) await this.receiver.start(this.runner);
    // `PORT` (set by `switchboard dev` and most hosts) when the caller names none.
    else await this.http.start(this.runner, { ...listen, port: listen.port ?? appEnvironment().port });
    this.started = true;
    return this.http.address();
  }

  /**
   * Stops the transport and clears the core's timers; in-flight handlers may still finish.
   * @example await app.stop();
   */
  async stop(): Promise<void> {
    this.started = false;
    this.runner.stop();
    await (this.receiver ?? this.http).stop();
  }

  private emitError(error: unknown, info: ErrorInfo): void {
    if (this.errorListeners.length === 0) {
      console.error('[switchboard] unhandled error', error);
      return;
    }
    for (const listener of this.errorListeners) {
      try {
        listener(error, info);
      } catch (listenerError) {
        // An error listener must not take the process down either.
        console.error('[switchboard] onError listener threw', listenerError);
      }
    }
  }
}

/**
 * Creates an app. Everything is validated here: a missing signing secret, an unknown option, a
 * listener for a command the manifest does not declare all throw now, not at the first request.
 * Options left out are read from the environment `switchboard dev` sets (see `appEnvironment`).
 * @example
 * const app = createApp({ manifestPath: './manifest.json', signingSecret: process.env.SIGNING_SECRET!,
 *   slashCommands: [{ command: '/echo', handler: (ctx) => ctx.ack(ctx.payload.text) }] });
 * await app.start({ port: 3000 });
 */
export function createApp(options: AppOptions): App {
  return new App(withEnvironment(options));
}
