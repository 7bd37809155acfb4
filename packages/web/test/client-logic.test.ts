import { describe, expect, it } from 'vitest';
import { avatarOf, normalizeMessage, pageOf, type SlashCommand, type WorkspaceUser } from '../src/api/types.js';
import { matchCommands } from '../src/state/command-match.js';
import { groupReactions, mergeMessages, withReaction } from '../src/state/message-lists.js';

const base = { id: 'm1', workspaceId: 'W', channelId: 'C', author: 'U1', text: 'hi', timestamp: '2026-01-01T00:00:00.000Z', timestampMilli: 1000 };

describe('the page reads both message shapes', () => {
  it("Pumble's: threadReplyInfo.rootId, threadRootInfo.repliesCount, one {user, code} per reaction", () => {
    const reply = normalizeMessage({ ...base, threadReplyInfo: { rootId: 'R' } });
    expect(reply.rootId).toBe('R');
    const root = normalizeMessage({
      ...base,
      threadRootInfo: { repliesCount: 3 },
      reactions: [
        { user: 'U1', code: ':+1:' },
        { user: 'U2', code: ':+1:' },
      ],
    });
    expect(root.repliesCount).toBe(3);
    expect(root.reactions).toEqual([
      { user: 'U1', code: ':+1:' },
      { user: 'U2', code: ':+1:' },
    ]);
  });

  it('the earlier one: threadReplyInfo.threadRootId, replyCount, {code, count, userIds}', () => {
    const m = normalizeMessage({
      ...base,
      threadReplyInfo: { threadRootId: 'R' },
      threadRootInfo: { replyCount: 2 },
      reactions: [{ code: ':tada:', count: 2, userIds: ['U1', 'U2'] }],
    });
    expect(m.rootId).toBe('R');
    expect(m.repliesCount).toBe(2);
    expect(m.reactions).toEqual([
      { user: 'U1', code: ':tada:' },
      { user: 'U2', code: ':tada:' },
    ]);
  });

  it('blocks, attachments or files without text are flagged, never shown as JSON', () => {
    expect(normalizeMessage({ ...base, text: '', blocks: [{ type: 'section' }] }).hasRichContent).toBe(true);
    expect(normalizeMessage({ ...base, blocks: [] }).hasRichContent).toBe(false);
  });

  it('a page is an object with paging flags, or a bare array (thread replies)', () => {
    expect(pageOf({ messages: [base], hasMoreBefore: true, hasMoreAfter: false }, 50).hasMoreBefore).toBe(true);
    const bare = pageOf([base, { ...base, id: 'm2' }], 2);
    expect(bare.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(bare.hasMoreBefore).toBe(true);
  });

  it('avatars: a URL string or {fullPath, scaledPath}, empty meaning none', () => {
    const user = (avatar: unknown) => ({ avatar }) as WorkspaceUser;
    expect(avatarOf(user('https://x/a.png'))).toBe('https://x/a.png');
    expect(avatarOf(user({ fullPath: 'https://x/f.png', scaledPath: 'https://x/s.png' }))).toBe('https://x/s.png');
    expect(avatarOf(user({ fullPath: '', scaledPath: '' }))).toBeNull();
    expect(avatarOf(user(null))).toBeNull();
  });
});

describe('message lists', () => {
  const m = (id: string, at: number) => normalizeMessage({ ...base, id, timestampMilli: at });

  it('a message seen live and again in a catch-up page shows once, in time order', () => {
    const merged = mergeMessages([m('a', 1), m('c', 3)], [m('b', 2), m('c', 3), m('d', 4)]);
    expect(merged.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reactions toggle per person and group by code', () => {
    let msg = m('a', 1);
    msg = withReaction(msg, { user: 'U1', code: ':+1:' }, true);
    msg = withReaction(msg, { user: 'U1', code: ':+1:' }, true);
    msg = withReaction(msg, { user: 'U2', code: ':+1:' }, true);
    msg = withReaction(msg, { user: 'U2', code: ':eyes:' }, true);
    expect(groupReactions(msg.reactions, 'U1')).toEqual([
      { code: ':+1:', count: 2, mine: true, users: ['U1', 'U2'] },
      { code: ':eyes:', count: 1, mine: false, users: ['U2'] },
    ]);
    expect(withReaction(msg, { user: 'U1', code: ':+1:' }, false).reactions).toHaveLength(2);
  });
});

describe('slash-command autocomplete', () => {
  const command = (name: string, description: string): SlashCommand => ({ command: name, description, usageHint: null, appId: 'A', appName: 'App' });
  const commands = [command('/echo', 'Repeats what you say'), command('/deploy', 'Ships it'), command('/weather', 'Echoes the forecast')];

  it('prefix matches first, then matches in the name or description', () => {
    expect(matchCommands(commands, '/ec').map((c) => c.command)).toEqual(['/echo', '/weather']);
    expect(matchCommands(commands, '/').map((c) => c.command)).toEqual(['/echo', '/deploy', '/weather']);
  });

  it('closes once the command has arguments or the text is not a command', () => {
    expect(matchCommands(commands, '/echo hi')).toEqual([]);
    expect(matchCommands(commands, 'hello /echo')).toEqual([]);
  });
});
