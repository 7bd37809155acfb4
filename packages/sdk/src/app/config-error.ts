/**
 * A mistake in how the app is set up: a missing secret, a handler for a command the manifest
 * does not declare, an unknown event. Thrown by `createApp` and the listener methods, never
 * at the first request, so a misconfigured app does not start (the Pumble SDK starts and then
 * answers 500 to everything).
 * @example try { createApp({ manifest }) } catch (e) { if (e instanceof AppConfigError) console.error(e.problems) }
 */
export class AppConfigError extends Error {
  readonly code = 'invalid_app_config';

  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `The app is misconfigured:\n- ${problems.join('\n- ')}`);
    this.name = 'AppConfigError';
  }
}
