import { AppApi } from './app.js';
import { type ApiAuth, authenticatorFor } from './auth.js';
import { CallsApi } from './calls.js';
import { ChannelsApi } from './channels.js';
import { FilesApi } from './files.js';
import { HomeViewsApi } from './home-views.js';
import { type HttpOptions, HttpTransport } from './http.js';
import { MessagesApi } from './messages.js';
import { ReactionsApi } from './reactions.js';
import { ScheduledMessagesApi } from './scheduled-messages.js';
import { SearchApi } from './search.js';
import { UserGroupsApi } from './user-groups.js';
import { UsersApi } from './users.js';
import { WorkspaceApi } from './workspace.js';

export interface ApiClientOptions extends HttpOptions {
  auth: ApiAuth;
  /** Where file uploads go (`/upload/files`); defaults to `baseUrl` (Pumble: its upload host, PUMBLE_FILEUPLOAD_URL). */
  fileUploadUrl?: string;
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
  readonly search: SearchApi;
  readonly scheduled: ScheduledMessagesApi;
  readonly files: FilesApi;
  readonly userGroups: UserGroupsApi;
  readonly homeViews: HomeViewsApi;
  readonly calls: CallsApi;

  constructor(options: ApiClientOptions) {
    const auth = authenticatorFor(options.auth);
    const http = new HttpTransport(options, auth);
    this.messages = new MessagesApi(http);
    this.reactions = new ReactionsApi(http);
    this.channels = new ChannelsApi(http);
    this.users = new UsersApi(http);
    this.workspace = new WorkspaceApi(http);
    this.app = new AppApi(http);
    this.search = new SearchApi(http);
    this.scheduled = new ScheduledMessagesApi(http);
    this.userGroups = new UserGroupsApi(http);
    this.homeViews = new HomeViewsApi(http);
    this.calls = new CallsApi(http);
    this.files = new FilesApi(http, {
      uploadBaseUrl: options.fileUploadUrl ?? options.baseUrl,
      auth,
      timeoutMs: options.timeoutMs,
      dispatcher: options.dispatcher,
    });
  }
}

export type { CompleteInteraction } from './app.js';
export type { ApiAuth, TokenProvider } from './auth.js';
export type { NewChannel } from './channels.js';
export { type ApiErrorCode, SwitchboardApiError, SwitchboardNetworkError, SwitchboardResponseError } from './errors.js';
export type { FilesOptions, UploadOptions } from './files.js';
export type { HttpOptions } from './http.js';
export type { MessageContent, MessageEdit, PageQuery } from './messages.js';
export type { RetryOptions } from './retry-policy.js';
export type { ScheduleRequest } from './scheduled-messages.js';
export type { SearchQuery } from './search.js';
export { OAuth2Me } from './workspace.js';
export {
  AppApi,
  CallsApi,
  ChannelsApi,
  FilesApi,
  HomeViewsApi,
  MessagesApi,
  ReactionsApi,
  ScheduledMessagesApi,
  SearchApi,
  UserGroupsApi,
  UsersApi,
  WorkspaceApi,
};
