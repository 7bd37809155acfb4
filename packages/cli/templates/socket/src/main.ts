import { appEnvironment, SocketReceiver } from '@switchboard/sdk';
import { createBot, manifest } from './app.js';

// Socket mode: the app opens a WebSocket to the platform, so it needs no public URL.
// `switchboard dev` sets these variables (SWITCHBOARD_* or PUMBLE_*).
const { appId, appKey, apiBaseUrl } = appEnvironment();
if (!appId || !appKey || !apiBaseUrl) {
  throw new Error('Set SWITCHBOARD_APP_ID, SWITCHBOARD_APP_KEY and SWITCHBOARD_API_URL (switchboard dev does).');
}
await createBot({ receiver: new SocketReceiver({ appId, appKey, baseUrl: apiBaseUrl }) }).start();
console.log(`${manifest.displayName} is connected to ${apiBaseUrl} over its socket`);
