import { describe, expect, it } from 'vitest';
import { AppPayload, isInteractivePayload, ShortcutPayload } from './payloads.js';
import { AckReply, MenuReply, ModalReply } from './replies.js';
import { parseSocketAppReply, parseSocketPlatformFrame, SocketAppReply, SocketPlatformFrame } from './socket-frames.js';

// The examples of PROTOCOL.md 6.2, verbatim. `A|B` stands for alternatives; each is tested.
const examples = [
  '{"messageType":"SLASH_COMMAND","slashCommand":"/echo","text":"hi","userId":"U","channelId":"C","threadRootId":"?","workspaceId":"W","triggerId":"T"}',
  '{"messageType":"SHORTCUT","type":"GLOBAL","shortcut":"say_hi","userId":"U","channelId":"C","threadRootId":"?","workspaceId":"W","triggerId":"T"}',
  '{"messageType":"SHORTCUT","type":"ON_MESSAGE","shortcut":"quote","messageId":"M","userId":"U","channelId":"C","workspaceId":"W","triggerId":"T"}',
  '{"messageType":"PUMBLE_EVENT","eventType":"NEW_MESSAGE","workspaceId":"W","workspaceUserIds":["B","U"],"body":"<JSON STRING>"}',
  '{"messageType":"BLOCK_INTERACTION","workspaceId":"W","userId":"U","channelId":"C","sourceType":"MESSAGE|EPHEMERAL_MESSAGE|VIEW","sourceId":"M","actionType":"BUTTON","onAction":"btn1","payload":"{\\"value\\":\\"x\\"}","triggerId":"T","loadingTimeout":0}',
  '{"messageType":"DYNAMIC_MENU","onAction":"pick","query":"ab","workspaceId":"W","userId":"U","triggerId":"T"}',
  '{"messageType":"VIEW_ACTION","workspaceId":"W","userId":"U","viewActionType":"SUBMIT|CLOSE","view":{"id":"V","type":"MODAL","callbackId":"cb","blocks":[],"state":{"values":{}}},"triggerId":"T"}',
];

function expand(example: string): string[] {
  const match = /"([A-Z_]+(?:\|[A-Z_]+)+)"/.exec(example);
  if (!match) return [example];
  return match[1]!.split('|').flatMap((choice) => expand(example.replace(match[0], `"${choice}"`)));
}

const concrete = examples.flatMap(expand);
// App events use the same shape with messageType APP_EVENT (PROTOCOL.md 6.2).
for (const eventType of ['APP_UNINSTALLED', 'APP_UNAUTHORIZED']) {
  concrete.push(`{"messageType":"APP_EVENT","eventType":"${eventType}","workspaceId":"W","workspaceUserIds":["B"],"body":"{}"}`);
}

describe('AppPayload: PROTOCOL.md 6.2 examples', () => {
  it('expands the alternatives', () => expect(concrete).toHaveLength(12));

  it.each(concrete)('%s', (json) => {
    const input = JSON.parse(json);
    const result = AppPayload.safeParse(input);
    expect(result.success, result.success ? '' : result.error.message).toBe(true);
    expect(result.data).toEqual(input);
  });
});

describe('AppPayload: discrimination and refusal', () => {
  const slash = JSON.parse(examples[0]!);

  it('narrows by messageType and shortcut type', () => {
    const payload = AppPayload.parse(JSON.parse(examples[2]!));
    expect(payload.messageType === 'SHORTCUT' && payload.type === 'ON_MESSAGE' && payload.messageId).toBe('M');
    expect(ShortcutPayload.safeParse({ ...payload, type: 'GLOBAL', messageId: undefined }).success).toBe(true);
  });

  it('keeps fields it does not know', () => {
    expect(AppPayload.parse({ ...slash, extra: 1 })).toMatchObject({ extra: 1 });
  });

  it('leaves optional fields out', () => {
    const { threadRootId: _omit, ...rest } = slash;
    expect(AppPayload.safeParse(rest).success).toBe(true);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['unknown messageType', { ...slash, messageType: 'SLASH' }],
    ['missing triggerId', { ...slash, triggerId: undefined }],
    ['ON_MESSAGE without messageId', { ...JSON.parse(examples[2]!), messageId: undefined }],
    ['unknown shortcut type', { ...JSON.parse(examples[1]!), type: 'CHANNEL' }],
    ['app event as PUMBLE_EVENT', { ...JSON.parse(examples[3]!), eventType: 'APP_UNINSTALLED' }],
    ['workspace event as APP_EVENT', { ...JSON.parse(examples[3]!), messageType: 'APP_EVENT' }],
    ['unknown event type', { ...JSON.parse(examples[3]!), eventType: 'NOPE' }],
    ['event body as an object', { ...JSON.parse(examples[3]!), body: {} }],
    ['negative loadingTimeout', { ...JSON.parse(expand(examples[4]!)[0]!), loadingTimeout: -1 }],
    ['unknown sourceType', { ...JSON.parse(expand(examples[4]!)[0]!), sourceType: 'CHANNEL' }],
    ['view action on a home view', { ...JSON.parse(expand(examples[6]!)[0]!), view: { id: 'V', type: 'HOME', blocks: [] } }],
    ['view action without view id', { ...JSON.parse(expand(examples[6]!)[0]!), view: { type: 'MODAL', blocks: [] } }],
  ];
  it.each(invalid)('refuses %s', (_name, input) => {
    expect(AppPayload.safeParse(input).success).toBe(false);
  });

  it('tells interactive triggers from events', () => {
    expect(isInteractivePayload(AppPayload.parse(slash))).toBe(true);
    expect(isInteractivePayload(AppPayload.parse(JSON.parse(examples[3]!)))).toBe(false);
  });
});

describe('replies (PROTOCOL.md 6.3)', () => {
  it('acks with or without a message', () => {
    expect(AckReply.parse({})).toEqual({});
    expect(AckReply.parse({ message: 'done' })).toEqual({ message: 'done' });
    expect(AckReply.safeParse({ message: 5 }).success).toBe(false);
  });

  it('modal reply', () => {
    const reply = { triggerId: 'T', view: { type: 'MODAL', callbackId: 'cb', blocks: [] }, viewType: 'NATIVE', action: 'OPEN' };
    expect(ModalReply.parse(reply)).toEqual(reply);
    for (const action of ['UPDATE', 'PUSH']) expect(ModalReply.safeParse({ ...reply, action }).success).toBe(true);
    expect(ModalReply.safeParse({ ...reply, action: 'CLOSE' }).success).toBe(false);
    expect(ModalReply.safeParse({ ...reply, viewType: 'WEB' }).success).toBe(false);
  });

  it('menu reply', () => {
    const reply = { onAction: 'pick', options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }], triggerId: 'T', value: 'ab' };
    expect(MenuReply.parse(reply)).toEqual(reply);
    expect(MenuReply.safeParse({ ...reply, options: 'a' }).success).toBe(false);
  });
});

describe('socket frames (PROTOCOL.md 7)', () => {
  it('platform frame carries a payload', () => {
    const frame = { correlation_id: 'c1', payload: JSON.parse(examples[0]!) };
    expect(SocketPlatformFrame.parse(frame)).toEqual(frame);
    expect(parseSocketPlatformFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
    expect(SocketPlatformFrame.safeParse({ correlation_id: '', payload: frame.payload }).success).toBe(false);
  });

  it('app reply, as text or binary', () => {
    const reply = { correlation_id: 'c1', status: 200, body: { onAction: 'pick', options: [], triggerId: 'T' } };
    expect(SocketAppReply.parse(reply)).toEqual(reply);
    expect(parseSocketAppReply(new TextEncoder().encode(JSON.stringify(reply)))).toEqual({ ok: true, frame: reply });
    expect(parseSocketAppReply('{"correlation_id":"c2","status":400,"message":"nope"}').ok).toBe(true);
  });

  it('refuses malformed replies without throwing', () => {
    expect(parseSocketAppReply('pong').ok).toBe(false);
    expect(parseSocketAppReply(new Uint8Array([0xff, 0xfe])).ok).toBe(false);
    expect(parseSocketAppReply('{"correlation_id":"c","status":"200"}').ok).toBe(false);
    expect(parseSocketAppReply('{"correlation_id":"c","status":42}').ok).toBe(false);
    expect(parseSocketAppReply('{"status":200}').ok).toBe(false);
  });
});
