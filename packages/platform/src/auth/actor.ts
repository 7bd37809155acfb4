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

export type Actor = PersonActor;

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}
