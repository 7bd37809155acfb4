import type { UserGroupsStore } from './user-groups-store.js';

/** Who a message mentions through user groups: `@handle` in its text, `usergroup` elements in its blocks. */
export interface GroupMentions {
  groupIds: string[];
  userIds: string[];
}

const HANDLE_IN_TEXT = /(?:^|[^\w@.-])@([a-z0-9][a-z0-9._-]{0,62})/gi;
const MAX_SCANNED = 10_000;

/** Group ids named by `usergroup` rich-text elements (walked iteratively, bounded). */
function blockGroupIds(blocks: readonly unknown[] | undefined): string[] {
  const ids: string[] = [];
  const stack: unknown[] = [...(blocks ?? [])];
  for (let seen = 0; stack.length > 0 && seen < MAX_SCANNED; seen++) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    if (record.type === 'usergroup' && typeof record.usergroup_id === 'string') ids.push(record.usergroup_id);
    for (const child of Object.values(record)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return ids;
}

/** Resolves group mentions of a message; answers undefined (without a query) when there is none. */
export class GroupMentionResolver {
  constructor(private readonly store: UserGroupsStore) {}

  async resolve(workspaceId: string, text: string, blocks?: readonly unknown[]): Promise<GroupMentions | undefined> {
    const handles = text.includes('@') ? [...new Set([...text.matchAll(HANDLE_IN_TEXT)].map((m) => m[1].toLowerCase()))] : [];
    const blockIds = blockGroupIds(blocks);
    if (handles.length === 0 && blockIds.length === 0) return undefined;
    const byHandle = await this.store.byHandles(workspaceId, handles);
    const groupIds = new Set(byHandle.map((g) => g.id));
    for (const id of blockIds) {
      const group = await this.store.find(id);
      if (group && group.workspace_id === workspaceId && group.disabled === 0) groupIds.add(group.id);
    }
    if (groupIds.size === 0) return undefined;
    const members = await this.store.membersOf([...groupIds]);
    const userIds = new Set<string>();
    for (const ids of members.values()) for (const id of ids) userIds.add(id);
    return { groupIds: [...groupIds], userIds: [...userIds].sort() };
  }
}
