/** Person-started triggers (PROTOCOL.md 6.2/6.3): slash commands, shortcuts, block interactions, views, dynamic menus. */
import type { Kysely } from 'kysely';
import type { ChangeBus } from '../chat/changes.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { Clock } from '../clock.js';
import type { DeliveryFeed } from '../delivery-ops/delivery-feed.js';
import type { SecretBox } from '../security/secret-box.js';
import type { SocketTriggers } from '../socket/socket-mode.js';
import type { Database } from '../store/schema.js';
import { BlockInteractions } from './block-interactions.js';
import { DynamicMenus } from './dynamic-menus.js';
import { EphemeralBlocks } from './ephemeral-blocks.js';
import { InstalledApps } from './installed-apps.js';
import { InteractionSources } from './interaction-sources.js';
import { PendingInteractions } from './pending-interactions.js';
import { PersonNotices } from './person-notices.js';
import { Shortcuts } from './shortcuts.js';
import { SlashCommands } from './slash-commands.js';
import { TriggerDelivery } from './trigger-delivery.js';
import { TriggerRunner } from './trigger-runner.js';
import type { TriggerSender } from './trigger-sender.js';
import { ViewActions } from './view-actions.js';
import { ViewsService } from './views-service.js';
import { ViewsStore } from './views-store.js';

export { installCommandInterceptor } from './command-interceptor.js';
export { interactionsRoutes } from './interactions-routes.js';

export interface Triggers {
  commands: SlashCommands;
  shortcuts: Shortcuts;
  blocks: BlockInteractions;
  menus: DynamicMenus;
  views: ViewsService;
  viewActions: ViewActions;
  pending: PendingInteractions;
}

export interface TriggerDeps {
  db: Kysely<Database>;
  bus: ChangeBus;
  channels: ChannelsService;
  messages: MessagesService;
  box: SecretBox;
  sender: TriggerSender;
  clock: Clock;
  /** Socket-mode apps: their connection on this node, else on another node of the cluster. */
  socketTriggers?: SocketTriggers;
  /** How long an app has to answer (PROTOCOL.md 6.3: 3 s). */
  deadlineMs: number;
  /** How long a clicked element shows as loading when it does not say (`loadingTimeout`). */
  loadingTimeoutMs: number;
  /** Where each trigger attempt is announced (switchboard dev prints them). */
  feed?: DeliveryFeed;
}

/** Wires the trigger room: one delivery path and one reply handler shared by every trigger type. */
export function createTriggers(deps: TriggerDeps): Triggers {
  const notices = new PersonNotices(deps.bus, deps.clock);
  const installed = new InstalledApps(deps.db);
  const views = new ViewsService(new ViewsStore(deps.db), notices, deps.clock);
  const delivery = new TriggerDelivery(deps.box, deps.sender, deps.clock, deps.socketTriggers, deps.deadlineMs, deps.feed);
  const runner = new TriggerRunner(delivery, notices, views);
  const sources = new InteractionSources(deps.messages, deps.channels, installed, views, new EphemeralBlocks(deps.db, deps.clock));
  const pending = new PendingInteractions(deps.db, notices, deps.clock);
  return {
    commands: new SlashCommands(deps.channels, installed, runner, notices),
    shortcuts: new Shortcuts(deps.channels, deps.messages, installed, runner),
    blocks: new BlockInteractions(sources, views, pending, runner, deps.loadingTimeoutMs),
    menus: new DynamicMenus(sources, delivery),
    views,
    viewActions: new ViewActions(views, installed, runner),
    pending,
  };
}
