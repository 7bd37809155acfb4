export * from './app.js';
export * from './channel.js';
export * from './files.js';
export * from './message.js';
export * from './scheduled-messages.js';
export * from './search.js';
export * from './users.js';
