import { connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

/** Where and how to send mail: `smtp://[user:pass@]host[:port][?from=addr]` (STARTTLS when offered) or `smtps://` (TLS). */
export interface SmtpTarget {
  url: string;
  /** Skip certificate checks (a local test relay); never for real servers. */
  insecureTls?: boolean;
  timeoutMs?: number;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Reads SMTP replies (possibly multi-line: `250-…` continued, `250 …` final). */
class ReplyReader {
  private buffer = '';
  private waiting: ((reply: { code: number; text: string }) => void) | undefined;
  private failed: ((error: Error) => void) | undefined;
  private lines: string[] = [];

  attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let index = this.buffer.indexOf('\r\n');
      while (index !== -1) {
        const line = this.buffer.slice(0, index);
        this.buffer = this.buffer.slice(index + 2);
        this.lines.push(line);
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) this.finish();
        index = this.buffer.indexOf('\r\n');
      }
    });
    socket.on('error', (error) => this.failed?.(error));
    socket.on('close', () => this.failed?.(new Error('the SMTP server closed the connection')));
  }

  private finish(): void {
    const lines = this.lines;
    this.lines = [];
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ code: Number(lines[lines.length - 1].slice(0, 3)), text: lines.map((line) => line.slice(4)).join('\n') });
  }

  next(): Promise<{ code: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
    });
  }
}

function dotStuff(text: string): string {
  return text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
}

/** Keeps header values on one line (no header injection through a subject or address). */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/**
 * Sends one plain-text message over SMTP (RFC 5321): EHLO, STARTTLS when offered on smtp://,
 * AUTH PLAIN when the URL carries credentials, then MAIL/RCPT/DATA. Enough for a sign-in code;
 * no attachments, no pooling.
 */
export async function sendMail(target: SmtpTarget, message: MailMessage): Promise<void> {
  const url = new URL(target.url);
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:') throw new Error('SMTP URL must start with smtp:// or smtps://');
  const host = url.hostname;
  const port = Number(url.port || (secure ? 465 : 587));
  const from = url.searchParams.get('from') ?? `switchboard@${hostname()}`;
  const tls = { servername: host, rejectUnauthorized: !target.insecureTls };

  let socket: Socket | TLSSocket = secure ? tlsConnect({ host, port, ...tls }) : netConnect({ host, port });
  socket.setTimeout(target.timeoutMs ?? 15_000, () => socket.destroy(new Error('SMTP timed out')));
  let reader = new ReplyReader();
  reader.attach(socket);
  const expect = async (codes: number[], what: string) => {
    const reply = await reader.next();
    if (!codes.includes(reply.code)) throw new Error(`SMTP ${what} refused: ${reply.code} ${reply.text}`);
    return reply;
  };
  const command = (line: string, codes: number[], what = line.split(' ')[0]) => {
    const reply = expect(codes, what);
    socket.write(`${line}\r\n`);
    return reply;
  };
  try {
    await expect([220], 'greeting');
    let hello = await command(`EHLO ${hostname()}`, [250]);
    if (!secure && /^STARTTLS$/im.test(hello.text)) {
      await command('STARTTLS', [220]);
      socket.removeAllListeners('data');
      socket = tlsConnect({ socket, ...tls });
      reader = new ReplyReader();
      reader.attach(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      });
      hello = await command(`EHLO ${hostname()}`, [250]);
    }
    if (url.username) {
      const plain = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64');
      await command(`AUTH PLAIN ${plain}`, [235], 'AUTH');
    }
    await command(`MAIL FROM:<${headerValue(from)}>`, [250]);
    await command(`RCPT TO:<${headerValue(message.to)}>`, [250, 251]);
    await command('DATA', [354]);
    const headers = [
      `From: ${headerValue(from)}`,
      `To: ${headerValue(message.to)}`,
      `Subject: ${headerValue(message.subject)}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ];
    await command(`${headers.join('\r\n')}\r\n\r\n${dotStuff(message.text)}\r\n.`, [250], 'message');
    await command('QUIT', [221]).catch(() => undefined);
  } finally {
    socket.destroy();
  }
}
