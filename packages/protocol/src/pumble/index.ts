export * from './app.js';
export * from './channel.js';
export * from './message.js';
export * from './users.js';
export * from './files.js';
export * from './scheduled-messages.js';
export * from './search.js';
