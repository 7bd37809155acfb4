import type { ApiClient } from '../api/client.js';
import type { TapEntry } from './delivery-tap.js';

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
  /**
   * Every trigger and event attempt to the app as the platform saw it (embedded platform only):
   * a socket-mode app's deliveries pass no proxy of ours. @returns a function that stops it
   */
  watchDeliveries?(appId: string, listener: (entry: TapEntry) => void): () => void;
  /** A link that opens the chat page signed in, once; undefined when the platform cannot make one. */
  signInLink(): Promise<string | undefined>;
  close(): Promise<void>;
}
