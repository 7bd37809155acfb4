import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventBodySchemas, eventScopes, isAppEventType, parseEventBody } from './event-types.js';

const bodies = {
  NEW_MESSAGE: {
    mId: 'M',
    wId: 'W',
    cId: 'C',
    trId: '',
    aId: 'U',
    tx: 'hi',
    bl: [],
    ty: 'NEW_MESSAGE',
    ts: '2025-11-23T12:00:00.000Z',
    tsm: 1,
    f: [],
    md: [],
    e: false,
    eph: false,
  },
  UPDATED_MESSAGE: { mId: 'M', wId: 'W', cId: 'C', trId: 'R', aId: 'U', tx: 'hi!', ty: 'UPDATED_MESSAGE', e: true },
  DELETED_MESSAGE: { mId: 'M', wId: 'W', cId: 'C', trId: '', ty: 'DELETED_MESSAGE' },
  REACTION_ADDED: { wId: 'W', cId: 'C', mId: 'M', mat: 'A', uId: 'U', rc: ':thumbsup:', ty: 'REACTION_ADDED' },
  CHANNEL_CREATED: { wId: 'W', cId: 'C', cN: 'general', cU: ['U'], cT: 'PUBLIC', ty: 'CHANNEL_CREATED' },
  CHANNEL_ARCHIVED: { wId: 'W', cId: 'C', m: ['U'], ty: 'CHANNEL_ARCHIVED' },
  CHANNEL_DELETED: { wId: 'W', cId: 'C', m: [], ty: 'CHANNEL_DELETED' },
  WORKSPACE_USER_JOINED: { wId: 'W', uId: 'U', uN: 'Bob', uE: 'bob@example.com', tz: 'Europe/Belgrade', ro: 'member', ty: 'WORKSPACE_USER_JOINED' },
  WORKSPACE_USER_UPDATED: { wId: 'W', uId: 'U', uN: 'Bob', uE: 'bob@example.com', tz: 'UTC', ro: 'admin', ty: 'WORKSPACE_USER_UPDATED' },
  APP_UNINSTALLED: { id: 'I', app: 'A', workspace: 'W', installedBy: 'U', botUser: 'B', uninstalledAt: 1763900000000 },
  APP_UNAUTHORIZED: {
    id: 'Z',
    app: 'A',
    appInstallation: 'I',
    workspaceUser: 'U',
    workspace: 'W',
    grantedScopes: ['messages:read'],
    accessGranted: true,
  },
} as const;

describe('event types', () => {
  it('has a scope entry and a body schema for every event', () => {
    expect(Object.keys(eventScopes).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(eventBodySchemas).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('needs no scope only for app events', () => {
    expect(EVENT_TYPES.filter(isAppEventType)).toEqual(['APP_UNINSTALLED', 'APP_UNAUTHORIZED']);
    expect(eventScopes.REACTION_ADDED).toBe('reaction:read');
    expect(eventScopes.WORKSPACE_USER_JOINED).toBe('user:read');
  });

  it.each(EVENT_TYPES)('parses a %s body from its JSON string', (type) => {
    const body = bodies[type];
    expect(parseEventBody(type, JSON.stringify(body))).toEqual({ ok: true, body });
  });

  it('refuses a body of another event, bad JSON and missing fields', () => {
    expect(parseEventBody('NEW_MESSAGE', JSON.stringify(bodies.UPDATED_MESSAGE)).ok).toBe(false);
    expect(parseEventBody('NEW_MESSAGE', '{not json').ok).toBe(false);
    expect(parseEventBody('CHANNEL_CREATED', JSON.stringify({ ...bodies.CHANNEL_CREATED, cT: 'GROUP' })).ok).toBe(false);
    const { mat: _omit, ...noAuthor } = bodies.REACTION_ADDED;
    expect(parseEventBody('REACTION_ADDED', JSON.stringify(noAuthor)).ok).toBe(false);
  });

  it('keeps unknown compact fields', () => {
    const result = parseEventBody('NEW_MESSAGE', JSON.stringify({ ...bodies.NEW_MESSAGE, rid: 'r', mm: {} }));
    expect(result.ok && result.body).toMatchObject({ rid: 'r', mm: {} });
  });
});
