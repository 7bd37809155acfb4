import { AppApi } from './app.js';
import { type ApiAuth, authenticatorFor } from './auth.js';
import { ChannelsApi } from './channels.js';
import { type HttpOptions, HttpTransport } from './http.js';
import { MessagesApi } from './messages.js';
import { ReactionsApi } from './reactions.js';
import { UsersApi } from './users.js';
import { WorkspaceApi } from './workspace.js';

export interface ApiClientOptions extends HttpOptions {
  auth: ApiAuth;
}

/**
 * A typed client for the App API (PROTOCOL.md section 5). Works against Switchboard or Pumble:
 * only `baseUrl` differs. One client per credential (a bot token, a person's token, or the app JWT).
 * @example
 * const client = new ApiClient({ baseUrl: 'http://127.0.0.1:8080', auth: { token: botToken, appKey } });
 * const message = await client.messages.post(channelId, 'hello');
 * await client.reactions.add(message.id, ':wave:');
 */
export class ApiClient {
  readonly messages: MessagesApi;
  readonly reactions: ReactionsApi;
  readonly channels: ChannelsApi;
  readonly users: UsersApi;
  readonly workspace: WorkspaceApi;
  readonly app: AppApi;

  constructor(options: ApiClientOptions) {
    const http = new HttpTransport(options, authenticatorFor(options.auth));
    this.messages = new MessagesApi(http);
    this.reactions = new ReactionsApi(http);
    this.channels = new ChannelsApi(http);
    this.users = new UsersApi(http);
    this.workspace = new WorkspaceApi(http);
    this.app = new AppApi(http);
  }
}

export type { CompleteInteraction } from './app.js';
export type { ApiAuth, TokenProvider } from './auth.js';
export type { NewChannel } from './channels.js';
export { type ApiErrorCode, SwitchboardApiError, SwitchboardNetworkError, SwitchboardResponseError } from './errors.js';
export type { HttpOptions } from './http.js';
export type { MessageContent, MessageEdit, PageQuery } from './messages.js';
export type { RetryOptions } from './retry-policy.js';
export { OAuth2Me } from './workspace.js';
export { AppApi, ChannelsApi, MessagesApi, ReactionsApi, UsersApi, WorkspaceApi };
