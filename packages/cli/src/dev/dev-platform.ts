import type { ApiClient } from '../api/client.js';

/** The platform the dev loop talks to: embedded in this process, or a remote one (`--platform`). */
export interface DevPlatform {
  url: string;
  embedded: boolean;
  /** Signed in as the person who owns and installs the app. */
  client: ApiClient;
  workspaceId: string;
  /** Who that is, for the terminal. */
  person: string;
  /** The demo password, when this start created the demo workspace. */
  demoPassword?: string;
  /** A link that opens the chat page signed in, once; undefined when the platform cannot make one. */
  signInLink(): Promise<string | undefined>;
  close(): Promise<void>;
}
