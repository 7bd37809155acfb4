import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { AppTokenStrategy } from './api/app-token-strategy.js';
import { AppsService } from './apps/apps-service.js';
import { AppsStore } from './apps/apps-store.js';
import { RegistryDeliveryTargets } from './apps/delivery-targets.js';
import { LeadService } from './auth/lead-service.js';
import { LeadStore } from './auth/lead-store.js';
import { loginCodeSender } from './auth/login-code-sender.js';
import { OneTimeLogins } from './auth/one-time-login-service.js';
import { OneTimeLoginStore } from './auth/one-time-login-store.js';
import { PersonTokens } from './auth/person-tokens.js';
import { SessionsService } from './auth/sessions-service.js';
import { SessionsStore } from './auth/sessions-store.js';
import { ChangeBus } from './chat/changes.js';
import { ChannelsService } from './chat/channels/channels-service.js';
import { ChannelsStore } from './chat/channels/channels-store.js';
import { CustomStatusService } from './chat/custom-status/custom-status-service.js';
import { HomeViewsService } from './chat/home-views/home-views-service.js';
import { HomeViewsStore } from './chat/home-views/home-views-store.js';
import { MessagesService } from './chat/messages/messages-service.js';
import { MessagesStore } from './chat/messages/messages-store.js';
import { RealtimeHub } from './chat/realtime/realtime-hub.js';
import { UserGroupsService } from './chat/user-groups/user-groups-service.js';
import { UserGroupsStore } from './chat/user-groups/user-groups-store.js';
import { UsersService } from './chat/users/users-service.js';
import { UsersStore } from './chat/users/users-store.js';
import { type Clock, systemClock } from './clock.js';
import { type ClusterBus, PgClusterBus, SingleNodeBus } from './cluster/index.js';
import type { PlatformConfig } from './config.js';
import { DeliveryDispatcher, type DeliveryTransport, HttpTransport, type TransportName, WorkerHttpTransport } from './delivery/index.js';
import { AttemptLog, DeliveriesService, DeliveriesStore, DeliveryFeed, DeliveryObserver } from './delivery-ops/index.js';
import { EventSink } from './events/event-sink.js';
import { Subscriptions } from './events/subscriptions.js';
import { createFiles, type FilesService } from './files/index.js';
import { MessageFilesSink } from './files/message-files-sink.js';
import { DeliveryMetrics } from './metrics/index.js';
import { ExchangeService } from './oauth/exchange-service.js';
import { GrantService } from './oauth/grant-service.js';
import { IdentityKeys } from './oauth/identity-keys.js';
import { IdentityService } from './oauth/identity-service.js';
import { InstallationsStore } from './oauth/installations-store.js';
import { LifecycleService } from './oauth/lifecycle-service.js';
import { PersonTokenService } from './oauth/person-token-service.js';
import { OutboundPolicy } from './outbound/index.js';
import { createScheduledMessages, type ScheduledMessagesRoom } from './scheduled/index.js';
import { createSearch, type SearchService } from './search/index.js';
import { SecretBox } from './security/secret-box.js';
import { deriveKey } from './security/server-key.js';
import { AnnouncingOutboxStore, createSocketMode, type SocketHub, type SocketMode } from './socket/index.js';
import type { Store } from './store/db.js';
import { EphemeralBlocks } from './triggers/ephemeral-blocks.js';
import { createTriggers, type Triggers } from './triggers/index.js';
import type { SlashCommands } from './triggers/slash-commands.js';
import { TriggerSender } from './triggers/trigger-sender.js';
import { createWebhooks, type WebhooksService } from './webhooks/index.js';
import { verifyEndpoint } from './webhooks/verification.js';

/** Every service of a platform node, wired once (routes → services → stores). */
export interface PlatformServices {
  store: Store;
  clock: Clock;
  bus: ChangeBus;
  sessions: SessionsService;
  /** Single-use sign-in links (`switchboard dev`'s chat page link). */
  oneTimeLogins: OneTimeLogins;
  /** Sign-in by e-mail code (pumble-cli's `/lead` flow). */
  leads: LeadService;
  users: UsersService;
  usersStore: UsersStore;
  channels: ChannelsService;
  channelsStore: ChannelsStore;
  messages: MessagesService;
  customStatus: CustomStatusService;
  userGroups: UserGroupsService;
  homeViews: HomeViewsService;
  realtime: RealtimeHub;
  apps: AppsService;
  installations: InstallationsStore;
  grants: GrantService;
  exchange: ExchangeService;
  lifecycle: LifecycleService;
  appTokens: AppTokenStrategy;
  identityKeys: IdentityKeys;
  identity: IdentityService;
  personTokens: PersonTokenService;
  dispatcher: DeliveryDispatcher;
  /** The HTTP event transport (closed after the dispatcher stops: it may own a worker thread). */
  httpTransport: HttpTransport | WorkerHttpTransport;
  deliveries: DeliveriesService;
  metrics: DeliveryMetrics;
  attemptLog: AttemptLog;
  /** Every trigger and event attempt, live, for listeners in this process (switchboard dev). */
  deliveryFeed: DeliveryFeed;
  subscriptions: Subscriptions;
  commands: SlashCommands;
  triggers: Triggers;
  triggerSender: TriggerSender;
  webhooks: WebhooksService;
  serverKey: Buffer;
  socketHub: SocketHub;
  socketMode: SocketMode;
  /** Wake-ups between nodes on one PostgreSQL schema; a no-op on SQLite. */
  cluster: ClusterBus;
  /** Uploads, files on messages, downloads. */
  files: FilesService;
  /** Scheduled messages: the owner's API and the poster this node runs. */
  scheduled: ScheduledMessagesRoom;
  search: SearchService;
}

export function createServices(config: PlatformConfig, store: Store, serverKey: Buffer, clock: Clock, log: FastifyBaseLogger): PlatformServices {
  const bus = new ChangeBus(store.db);
  const nodeId = `${hostname().slice(0, 32)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const cluster: ClusterBus =
    store.dialect === 'postgres' && config.databaseUrl
      ? new PgClusterBus({
          db: store.db,
          connectionString: config.databaseUrl,
          schema: config.pgSchema,
          nodeId,
          onError: (err) => log.warn({ err }, 'cluster bus'),
        })
      : new SingleNodeBus(nodeId);
  // New outbox rows: this node claims at once, the others hear of them (coalesced) instead of polling.
  const outboxWritten = (lanes?: readonly string[]) => {
    dispatcher.wake(lanes);
    cluster.announce('outbox');
  };
  const personTokens = new PersonTokens(deriveKey(serverKey, 'person-jwt'), config.personTokenTtlSeconds);
  const sessionsStore = new SessionsStore(store.db);
  const sessions = new SessionsService(sessionsStore, personTokens, clock, config.sessionTtlSeconds);
  const oneTimeLogins = new OneTimeLogins(new OneTimeLoginStore(store.db), sessionsStore, sessions, clock);
  const usersStore = new UsersStore(store.db);
  const leads = new LeadService(
    new LeadStore(store.db),
    sessionsStore,
    sessions,
    async (id) => (await usersStore.findWorkspace(id))?.name,
    loginCodeSender(config.smtpUrl, log),
    clock,
    log,
  );
  const channelsStore = new ChannelsStore(store.db);
  const users = new UsersService(usersStore, bus, clock, sessions);
  const channels = new ChannelsService(channelsStore, usersStore, bus, clock);
  const messages = new MessagesService(new MessagesStore(store.db), channels, bus, clock, new EphemeralBlocks(store.db, clock));
  // Files resolve on a new message before the event outbox sink (added below) writes its events.
  const files = createFiles(store, serverKey, channels, clock, config);
  bus.addSink(new MessageFilesSink(files));
  const scheduled = createScheduledMessages({ store, bus, channels, messages, files, clock, pollIntervalMs: config.scheduledPollIntervalMs, log });
  const search = createSearch(store);
  const customStatus = new CustomStatusService(usersStore, users, clock, bus);
  const userGroups = new UserGroupsService(new UserGroupsStore(store.db), usersStore, clock);
  const homeViews = new HomeViewsService(new HomeViewsStore(store.db), usersStore, clock, bus);
  const realtime = new RealtimeHub(channelsStore, log);
  bus.addSink(realtime);
  sessions.onEnded((ended) => realtime.disconnect(ended));
  const box = new SecretBox(deriveKey(serverKey, 'secret-box'));
  const apps = new AppsService(new AppsStore(store.db), box, clock);
  const installations = new InstallationsStore(store.db);
  const grants = new GrantService(apps, installations, store.db, clock, config.redirectMatch);
  const exchange = new ExchangeService(apps, installations, store.db, box, clock);
  const appTokens = new AppTokenStrategy(store.db, clock);
  exchange.onRevoked(() => appTokens.invalidate());
  apps.onAppChanged(() => appTokens.invalidate());
  const lifecycle = new LifecycleService(apps, installations, store.db, channels, messages, clock, () => {
    appTokens.invalidate();
    subscriptions.invalidate();
    webhooks.fanOut.invalidate();
    outboxWritten();
    identity.invalidate();
  });
  const identityKeys = new IdentityKeys(store.db, box, clock, config.appTokenTtlSeconds * 1000);
  const identity = new IdentityService(identityKeys, exchange, store.db, clock, config.appTokenTtlSeconds);
  exchange.onRevoked(() => identity.invalidate());
  const subscriptions = new Subscriptions(store.db, clock);
  // Every outbound connection (events, triggers, webhook verification) is checked against it.
  const outbound = new OutboundPolicy({ allowPrivateTargets: config.allowPrivateTargets, allowlist: config.outboundAllowlist });
  // HttpTransport gates endpoints by URL origin.
  const webhooks = createWebhooks(
    store.db,
    apps,
    box,
    clock,
    (url) => dispatcher.reopen(new URL(url).origin),
    (url, secret) => verifyEndpoint(url, secret, { outbound }),
  );
  const socketMode = createSocketMode(store.db, store.dialect, clock, {
    cluster,
    releaseIntervalMs: config.deliveryPollIntervalMs,
    laneWindow: config.socketLaneWindow,
    onError: (err) => log.warn({ err }, 'socket mode'),
  });
  // In a cluster, rows this node parked or released are announced so the node holding the app's socket claims them.
  const outbox = new AnnouncingOutboxStore(store.db, store.dialect);
  outbox.announce = () => cluster.announce('parked');
  const targets = new RegistryDeliveryTargets(apps, box, clock, webhooks.targets);
  // A worker thread sends when lanes go one request at a time on real time (a test's fake clock signs in process).
  const httpTransport =
    config.deliveryWorker && config.deliveryLaneWindow === 1 && clock === systemClock
      ? new WorkerHttpTransport({ timeoutMs: config.eventTimeoutMs, outbound, onError: (err) => log.error({ err }, 'delivery worker') })
      : new HttpTransport({ clock, timeoutMs: config.eventTimeoutMs, outbound, laneWindow: config.deliveryLaneWindow });
  const transports: Partial<Record<TransportName, DeliveryTransport>> = {
    http: httpTransport,
    socket: socketMode.transport,
  };
  const metrics = new DeliveryMetrics({ depth: () => outbox.depth(clock.now()), gatedEndpoints: (): number => dispatcher.gatedEndpoints() });
  outbound.onRefused((range) => metrics.outboundRefused(range));
  const attemptLog = new AttemptLog(store.db, clock, { onError: (err) => log.error({ err }, 'delivery attempt log error') });
  // Metrics and the attempt log watch deliveries through wrapped transports and the result hook.
  const deliveryFeed = new DeliveryFeed();
  const observer = new DeliveryObserver(clock, attemptLog, metrics, deliveryFeed);
  const dispatcher: DeliveryDispatcher = new DeliveryDispatcher({
    store: outbox,
    targets,
    transports: Object.fromEntries(
      Object.entries(transports).map(([name, transport]) => [name, observer.wrap(name as TransportName, transport)]),
    ) as typeof transports,
    laneWindow: config.deliveryLaneWindow,
    pollIntervalMs: config.deliveryPollIntervalMs,
    retentionMs: config.deliveryRetentionDays * 24 * 3_600_000,
    clock,
    onResult: observer.onResult,
    onError: (err) => log.error({ err }, 'delivery dispatcher error'),
  });
  const deliveries = new DeliveriesService(new DeliveriesStore(store.db), apps, attemptLog, clock, async (query) => {
    const target = await targets.resolve(query);
    const transport = target ? transports[target.transport] : undefined;
    if (target && transport) dispatcher.reopen(transport.endpointKey(target));
    else dispatcher.wake();
  });
  socketMode.attach(dispatcher);
  cluster.on('outbox', () => dispatcher.wake());
  cluster.onResync(() => dispatcher.wake());
  bus.addSink(new EventSink(subscriptions, clock, outboxWritten, webhooks.fanOut));
  // Installs, uninstalls and (un)authorizations change who receives what.
  exchange.onRevoked(() => subscriptions.invalidate());
  exchange.onRevoked(() => webhooks.fanOut.invalidate());
  apps.onAppChanged(() => subscriptions.invalidate());
  const triggerSender = new TriggerSender(clock, outbound);
  const triggers = createTriggers({
    db: store.db,
    bus,
    channels,
    messages,
    box,
    sender: triggerSender,
    clock,
    socketTriggers: socketMode.triggers,
    deadlineMs: config.triggerTimeoutMs,
    loadingTimeoutMs: config.interactionLoadingTimeoutMs,
    feed: deliveryFeed,
  });
  const watsonTokens = new PersonTokenService(identityKeys, exchange, store.db, clock, config.appTokenTtlSeconds);
  return {
    dispatcher,
    httpTransport,
    deliveries,
    metrics,
    attemptLog,
    deliveryFeed,
    subscriptions,
    commands: triggers.commands,
    triggers,
    triggerSender,
    webhooks: webhooks.service,
    personTokens: watsonTokens,
    identityKeys,
    identity,
    store,
    clock,
    bus,
    sessions,
    oneTimeLogins,
    leads,
    users,
    usersStore,
    channels,
    channelsStore,
    messages,
    customStatus,
    userGroups,
    homeViews,
    realtime,
    apps,
    installations,
    grants,
    exchange,
    lifecycle,
    appTokens,
    serverKey,
    socketHub: socketMode.hub,
    socketMode,
    cluster,
    files,
    scheduled,
    search,
  };
}
