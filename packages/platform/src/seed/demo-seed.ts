import { randomPassword } from '../auth/sessions-service.js';
import type { UsersService } from '../chat/users/users-service.js';
import type { UsersStore } from '../chat/users/users-store.js';

export interface DemoSeedResult {
  workspaceId: string;
  password: string;
  /** True when the password was generated (print it once). */
  generated: boolean;
}

/**
 * On first start with an empty store: workspace `Demo`, people alice (owner) and bob
 * (member), channel #general. Returns undefined when the store already holds data.
 */
export async function seedDemo(users: UsersService, store: UsersStore, password?: string): Promise<DemoSeedResult | undefined> {
  if ((await store.countWorkspaces()) > 0) return undefined;
  const secret = password ?? randomPassword();
  const { workspaceId } = await users.createWorkspace('Demo', { email: 'alice@example.com', name: 'Alice', password: secret, role: 'owner' });
  const owner = { workspaceId, userId: (await store.listUsers(workspaceId))[0].id, role: 'owner' as const };
  await users.addPerson(owner, { email: 'bob@example.com', name: 'Bob', password: secret, role: 'member' });
  return { workspaceId, password: secret, generated: password === undefined };
}
