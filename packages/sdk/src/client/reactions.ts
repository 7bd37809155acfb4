import { type HttpTransport, pathOf } from './http.js';

/**
 * Reactions on messages; `code` is an emoji code such as `:thumbsup:`.
 * @example await client.reactions.add(messageId, ':eyes:');
 */
export class ReactionsApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Reacts to a message.
   * @example await client.reactions.add(messageId, ':thumbsup:');
   */
  add(messageId: string, code: string): Promise<void> {
    return this.http.send({ method: 'POST', path: pathOf`/v1/messages/${messageId}/reactions`, json: { code } });
  }

  /**
   * Removes the caller's reaction.
   * @example await client.reactions.remove(messageId, ':thumbsup:');
   */
  remove(messageId: string, code: string): Promise<void> {
    return this.http.send({ method: 'DELETE', path: pathOf`/v1/messages/${messageId}/reactions`, json: { code } });
  }
}
