import type { BlockInteractionSourceType } from '@switchboard/protocol';
import type { HttpTransport } from './http.js';

/** Identifies the interaction to finish: the fields of the BLOCK_INTERACTION payload. */
export interface CompleteInteraction {
  channelId: string;
  sourceId: string;
  sourceType: BlockInteractionSourceType;
  triggerId: string;
}

/**
 * The app's own standing in the workspace, and interaction housekeeping.
 * @example await client.app.uninstall();
 */
export class AppApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Revokes the calling person's authorization of this app (their token stops working).
   * @example await userClient.app.unauthorize();
   */
  unauthorize(): Promise<void> {
    return this.http.send({ method: 'DELETE', path: '/v1/app/authorization' });
  }

  /**
   * Uninstalls the app from the workspace (every token of it stops working).
   * @example await botClient.app.uninstall();
   */
  uninstall(): Promise<void> {
    return this.http.send({ method: 'DELETE', path: '/v1/app/installation' });
  }

  /**
   * Ends the loading state of a block interaction the app answered asynchronously.
   * @example await client.app.completeInteraction({ channelId, sourceId, sourceType: 'MESSAGE', triggerId });
   */
  completeInteraction(interaction: CompleteInteraction): Promise<void> {
    return this.http.send({ method: 'POST', path: '/v1/interactions/complete', json: interaction });
  }
}
