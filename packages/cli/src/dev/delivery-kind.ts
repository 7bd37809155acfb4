/** What a request from the platform is, in a few words for the terminal: `SLASH_COMMAND /echo hi`. */
export function deliveryKind(method: string, path: string, body: Buffer): string {
  let payload: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null) payload = value as Record<string, unknown>;
  } catch {}
  const type = typeof payload?.messageType === 'string' ? payload.messageType : undefined;
  if (!payload || !type) return `${method} ${path}`;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const detail: Record<string, string> = {
    SLASH_COMMAND: `${text(payload.slashCommand)} ${text(payload.text)}`.trim(),
    PUMBLE_EVENT: text(payload.eventType),
    APP_EVENT: text(payload.eventType),
    SHORTCUT: `${text(payload.type)} ${text(payload.shortcut)}`.trim(),
    BLOCK_INTERACTION: text(payload.onAction),
    DYNAMIC_MENU: `${text(payload.onAction)} ${JSON.stringify(text(payload.query))}`,
    VIEW_ACTION: `${text(payload.viewActionType)} ${text((payload.view as Record<string, unknown> | undefined)?.callbackId)}`.trim(),
  };
  const shown = (detail[type] ?? '').slice(0, 60);
  return shown ? `${type} ${shown}` : type;
}
