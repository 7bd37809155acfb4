/** Socket mode (PROTOCOL.md 7): tickets, connections per app, the event transport and the routes. */
export { type HubAnswer, SocketConnection, SocketHub, type SocketHubOptions, TICKET_TTL_MS } from './socket-hub.js';
export { createSocketMode } from './socket-mode.js';
export { type SocketRoutesOptions, socketRoutes } from './socket-routes.js';
export { SocketTransport, type SocketTransportOptions, socketEndpointKey } from './socket-transport.js';
