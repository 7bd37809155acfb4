import type { FastifyBaseLogger } from 'fastify';
import type { ChangeBus } from '../chat/changes.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { Clock } from '../clock.js';
import type { FilesService } from '../files/index.js';
import type { Store } from '../store/db.js';
import { ScheduledPoster } from './scheduled-poster.js';
import { ScheduledPostsSink } from './scheduled-posts-sink.js';
import { ScheduledService } from './scheduled-service.js';
import { ScheduledStore } from './scheduled-store.js';

export interface ScheduledMessagesRoom {
  service: ScheduledService;
  poster: ScheduledPoster;
  /** Ties a scheduled post to its row inside the post's transaction. */
  sink: ScheduledPostsSink;
}

/** The scheduled messages room: the owner's API and the poster every node runs. */
export function createScheduledMessages(deps: {
  store: Store;
  bus: ChangeBus;
  channels: ChannelsService;
  messages: MessagesService;
  files: FilesService;
  clock: Clock;
  pollIntervalMs: number;
  log: FastifyBaseLogger;
}): ScheduledMessagesRoom {
  const store = new ScheduledStore(deps.store.db, deps.store.dialect);
  const sink = new ScheduledPostsSink(store, deps.clock);
  deps.bus.addSink(sink);
  const poster = new ScheduledPoster(store, sink, deps.messages, deps.store.db, deps.clock, { pollIntervalMs: deps.pollIntervalMs, log: deps.log });
  return { service: new ScheduledService(store, deps.channels, deps.files, deps.clock, poster), poster, sink };
}

export { ScheduledPoster } from './scheduled-poster.js';
export { scheduledRoutes } from './scheduled-routes.js';
export { ScheduledService } from './scheduled-service.js';
