import { createBot, manifest } from './app.js';

// Listens on PORT (3000 when unset); `switchboard dev` sets it and the credentials.
const address = await createBot().start();
console.log(`${manifest.displayName} is listening on ${address?.url}`);
