import WebSocket from 'ws';

export interface RealtimeFrame {
  type: string;
  data: { message?: { text: string; author: string; ephemeral?: boolean } };
}

export interface RealtimeClient {
  frames: RealtimeFrame[];
  /** The first frame (removed from `frames`) matching `p`, waiting up to 6 s for it. */
  next: (p: (f: RealtimeFrame) => boolean) => Promise<RealtimeFrame>;
  close: () => void;
}

/** A person's /v1/realtime WebSocket recording every frame. */
export function listenRealtime(url: string, token: string): Promise<RealtimeClient> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/realtime`, { headers: { authtoken: token } });
  const frames: RealtimeFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as RealtimeFrame));
  const next = async (p: (f: RealtimeFrame) => boolean) => {
    const deadline = Date.now() + 6000;
    for (;;) {
      const i = frames.findIndex(p);
      if (i >= 0) return frames.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no frame; saw ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ frames, next, close: () => ws.close() }));
    ws.once('error', reject);
  });
}
