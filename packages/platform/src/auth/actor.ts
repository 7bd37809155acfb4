import type { WorkspaceRole } from '../store/schema.js';

/** Who is making a request. People act with a session; apps (Apps issue) with tokens. */
export interface PersonActor {
  kind: 'person';
  workspaceId: string;
  userId: string;
  accountId: string;
  sessionId: string;
  role: WorkspaceRole;
}

/** An app calling the API with a user or bot token (Pumble) or a Bearer JWT. */
export interface AppActor {
  kind: 'app';
  appId: string;
  workspaceId: string;
  /** The person the app acts for, or its bot user. */
  userId: string;
  role: WorkspaceRole;
  tokenKind: 'user' | 'bot' | 'identity';
  scopes: ReadonlySet<string>;
}

export type Actor = PersonActor | AppActor;

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}
