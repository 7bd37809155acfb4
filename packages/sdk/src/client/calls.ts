import type { HttpTransport } from './http.js';

/**
 * Pumble's calls. Switchboard has none: `createPermanent` always fails with a
 * SwitchboardApiError of status 501 and code `not_supported` (docs/api.md), so an app
 * written for Pumble can catch it and carry on without a call link.
 * @example
 * try { await client.calls.createPermanent(); } catch (e) { if (e instanceof SwitchboardApiError && e.code === 'not_supported') skipCallLink(); }
 */
export class CallsApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Asks for a permanent call link (needs `calls:write`); on Switchboard it rejects with `not_supported`.
   * @example await client.calls.createPermanent().catch(() => undefined);
   */
  createPermanent(): Promise<void> {
    return this.http.send({ method: 'POST', path: '/v1/calls/permanent' });
  }
}
