import WebSocket from 'ws';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, type Session } from '../harness.js';

export interface PlatformFrame {
  correlation_id: string;
  payload: { messageType: string; eventType?: string; body?: string; text?: string; [key: string]: unknown };
}

/** Registers and installs a socket-mode app for `owner`; returns it with the general channel id. */
export async function installSocketApp(url: string, owner: Session, name = 'sock_bot'): Promise<{ app: RegisteredApp; general: string }> {
  const app = await registerApp(
    url,
    owner,
    testManifest({
      name,
      socketMode: true,
      slashCommands: [{ command: `/${name.replace(/_/g, '')}`, url: 'https://unused.example/slash' }],
      eventSubscriptions: { url: 'https://unused.example/events', events: ['NEW_MESSAGE'] },
      offlineMessage: 'Socket bot is down',
      scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
      welcomeMessage: null,
    }),
  );
  await exchangeCode(url, {
    'client-id': app.id,
    'client-secret': app.clientSecret,
    code: await grantCode(url, owner, app, { scopes: 'messages:read,bot:messages:read,bot:messages:write' }),
  });
  const channels = await call<{ channel: { id: string; name: string } }[]>(url, owner.token, 'GET', '/v1/channels');
  return { app, general: channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '' };
}

export async function connectionUrl(base: string, app: RegisteredApp): Promise<string> {
  const res = await fetch(`${base}/apps/${app.id}/websocket-connection?appKey=${encodeURIComponent(app.appKey)}`);
  if (res.status !== 200) throw new Error(`websocket-connection ${res.status}`);
  return ((await res.json()) as { url: string }).url;
}

/**
 * A raw `ws` client playing the app. `onFrame` decides the reply (undefined = no reply);
 * every frame and every non-frame text (pong, error frames) is recorded.
 */
export class RawSocketApp {
  readonly frames: PlatformFrame[] = [];
  readonly texts: string[] = [];
  onFrame: (frame: PlatformFrame) => object | undefined = () => undefined;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.texts.push(text);
        return;
      }
      if (!isBinary && typeof parsed === 'object' && parsed !== null && 'correlation_id' in parsed) {
        const frame = parsed as PlatformFrame;
        this.frames.push(frame);
        const reply = this.onFrame(frame);
        if (reply && ws.readyState === WebSocket.OPEN)
          ws.send(Buffer.from(JSON.stringify({ correlation_id: frame.correlation_id, ...reply })), { binary: true });
      } else this.texts.push(text);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  /** `onFrame` is set before the socket opens: the platform may send at once. */
  static async connect(base: string, app: RegisteredApp, options: { acks?: boolean; onFrame?: RawSocketApp['onFrame'] } = {}): Promise<RawSocketApp> {
    const url = await connectionUrl(base, app);
    const ws = new WebSocket(options.acks ? `${url}&acks=events` : url);
    const client = new RawSocketApp(ws);
    if (options.onFrame) client.onFrame = options.onFrame;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected ${res.statusCode}`)));
    });
    return client;
  }

  /** The NEW_MESSAGE texts received, in order. */
  messageTexts(): string[] {
    return this.frames.filter((f) => f.payload.eventType === 'NEW_MESSAGE').map((f) => (JSON.parse(String(f.payload.body)) as { tx: string }).tx);
  }

  close(): void {
    this.ws.close();
  }
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
