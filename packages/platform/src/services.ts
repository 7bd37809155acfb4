import type { FastifyBaseLogger } from 'fastify';
import { PersonTokens } from './auth/person-tokens.js';
import { SessionsService } from './auth/sessions-service.js';
import { SessionsStore } from './auth/sessions-store.js';
import { ChangeBus } from './chat/changes.js';
import { ChannelsService } from './chat/channels/channels-service.js';
import { ChannelsStore } from './chat/channels/channels-store.js';
import { MessagesService } from './chat/messages/messages-service.js';
import { MessagesStore } from './chat/messages/messages-store.js';
import { RealtimeHub } from './chat/realtime/realtime-hub.js';
import { UsersService } from './chat/users/users-service.js';
import { UsersStore } from './chat/users/users-store.js';
import type { Clock } from './clock.js';
import type { PlatformConfig } from './config.js';
import { deriveKey } from './security/server-key.js';
import type { Store } from './store/db.js';

/** Every service of a platform node, wired once (routes → services → stores). */
export interface PlatformServices {
  store: Store;
  clock: Clock;
  bus: ChangeBus;
  sessions: SessionsService;
  users: UsersService;
  usersStore: UsersStore;
  channels: ChannelsService;
  channelsStore: ChannelsStore;
  messages: MessagesService;
  realtime: RealtimeHub;
}

export function createServices(config: PlatformConfig, store: Store, serverKey: Buffer, clock: Clock, log: FastifyBaseLogger): PlatformServices {
  const bus = new ChangeBus(store.db);
  const personTokens = new PersonTokens(deriveKey(serverKey, 'person-jwt'), config.personTokenTtlSeconds);
  const sessions = new SessionsService(new SessionsStore(store.db), personTokens, clock, config.sessionTtlSeconds);
  const usersStore = new UsersStore(store.db);
  const channelsStore = new ChannelsStore(store.db);
  const users = new UsersService(usersStore, bus, clock, sessions);
  const channels = new ChannelsService(channelsStore, usersStore, bus, clock);
  const messages = new MessagesService(new MessagesStore(store.db), channels, bus, clock);
  const realtime = new RealtimeHub(channelsStore, log);
  bus.addSink(realtime);
  sessions.onEnded((ended) => realtime.disconnect(ended));
  return { store, clock, bus, sessions, users, usersStore, channels, channelsStore, messages, realtime };
}
