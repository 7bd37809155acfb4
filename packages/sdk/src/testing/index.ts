/**
 * `@switchboard/sdk/testing`: run an app against a real, in-process Switchboard platform.
 * Needs `@switchboard/platform` installed (a dev dependency of the app's tests).
 * @example
 * const t = await startTestKit({ manifest, app: (options) => createEchoBot(options) });
 * await t.as('alice').post('#general', '/echo hi');
 * await t.waitForMessage({ from: t.bot, text: 'hi' });
 * await t.stop();
 */
export { freePort } from './free-port.js';
export { MessageLog, Person, type PostResult, type SeenMessage } from './person.js';
export { type InProcessPlatform, type PlatformStartOptions, startInProcessPlatform } from './platform-loader.js';
export {
  type MessageQuery,
  rewriteManifestUrls,
  startTestKit,
  TEST_KIT_PASSWORD,
  type TestAppOptions,
  type TestAppRegistration,
  type TestKit,
  type TestKitOptions,
} from './test-kit.js';
export { type RecordedRequest, startWireServer, type WireHandler, type WireReply, type WireServer } from './wire-server.js';
