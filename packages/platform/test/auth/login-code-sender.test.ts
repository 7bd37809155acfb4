import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loginCodeSender } from '../../src/auth/login-code-sender.js';

/** An SMTP server on loopback that requires AUTH PLAIN and records the session. */
async function smtpServer() {
  const seen: { auth?: string; from?: string; to?: string; data: string } = { data: '' };
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let index = buffer.indexOf('\r\n'); index !== -1; index = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          } else seen.data += `${line}\n`;
        } else if (/^EHLO/i.test(line)) socket.write('250-test\r\n250 AUTH PLAIN\r\n');
        else if (/^AUTH PLAIN /i.test(line)) {
          seen.auth = Buffer.from(line.slice(11), 'base64').toString();
          socket.write('235 ok\r\n');
        } else if (/^MAIL FROM:/i.test(line)) {
          if (!seen.auth) socket.write('530 authenticate first\r\n');
          else {
            seen.from = line.slice(10);
            socket.write('250 ok\r\n');
          }
        } else if (/^RCPT TO:/i.test(line)) {
          seen.to = line.slice(8);
          socket.write('250 ok\r\n');
        } else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('502 no\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('sign-in codes', () => {
  it('go by SMTP with AUTH PLAIN when SWITCHBOARD_SMTP_URL is set', async () => {
    const smtp = await smtpServer();
    try {
      const send = loginCodeSender(`smtp://codes%40example.com:s3cret@127.0.0.1:${smtp.port}?from=noreply@example.com`, pino({ level: 'silent' }));
      await send('alice@example.com', '123456');
      expect(smtp.seen.auth).toBe('\0codes@example.com\0s3cret');
      expect(smtp.seen.from).toBe('<noreply@example.com>');
      expect(smtp.seen.to).toBe('<alice@example.com>');
      expect(smtp.seen.data).toContain('Subject: Your Switchboard sign-in code: 123456');
      expect(smtp.seen.data).toContain('Your sign-in code is 123456');
    } finally {
      await smtp.close();
    }
  });

  it('a refusing SMTP server is an error (logged by /lead), not a silent success', async () => {
    const smtp = await smtpServer();
    try {
      // No credentials in the URL: the server refuses MAIL FROM.
      const send = loginCodeSender(`smtp://127.0.0.1:${smtp.port}`, pino({ level: 'silent' }));
      await expect(send('alice@example.com', '123456')).rejects.toThrow(/MAIL refused: 530/);
    } finally {
      await smtp.close();
    }
  });

  it('go to the server log without SMTP', async () => {
    let logged = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    await loginCodeSender(undefined, pino({ level: 'info' }, stream))('alice@example.com', '654321');
    expect(JSON.parse(logged)).toMatchObject({ level: 40, msg: expect.stringContaining('Sign-in code for alice@example.com: 654321') });
  });
});
