/** Socket mode (PROTOCOL.md 7): tickets, connections per app, the event transport and the routes. */
export { AnnouncingOutboxStore } from './announcing-outbox-store.js';
export { CrossNodeTriggers } from './cross-node-triggers.js';
export { type HubAnswer, JsonText, SocketConnection, SocketHub, type SocketHubOptions, TICKET_TTL_MS } from './socket-hub.js';
export { createSocketMode, type SocketMode, type SocketModeOptions, type SocketTriggers } from './socket-mode.js';
export { SocketPresence } from './socket-presence.js';
export { type SocketRoutesOptions, socketRoutes } from './socket-routes.js';
export { SocketTransport, type SocketTransportOptions, socketEndpointKey } from './socket-transport.js';
