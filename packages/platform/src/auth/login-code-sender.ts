import type { FastifyBaseLogger } from 'fastify';
import { sendMail } from './smtp-client.js';

/** Delivers a sign-in code to a person. */
export type LoginCodeSender = (email: string, code: string) => Promise<void>;

/**
 * By mail when SMTP is configured (`SWITCHBOARD_SMTP_URL`); otherwise to the server log, which
 * is how the operator of a local platform signs in with pumble-cli (PROTOCOL.md 2). The logged
 * code is single-use, expires in minutes and is useless without the lead id the CLI holds.
 */
export function loginCodeSender(smtpUrl: string | undefined, log: FastifyBaseLogger): LoginCodeSender {
  if (!smtpUrl) {
    return async (email, code) => {
      log.warn({ email }, `Sign-in code for ${email}: ${code} (no SMTP configured: set SWITCHBOARD_SMTP_URL to mail codes)`);
    };
  }
  return async (email, code) => {
    await sendMail(
      { url: smtpUrl },
      {
        to: email,
        subject: `Your Switchboard sign-in code: ${code}`,
        text: `Your sign-in code is ${code}\n\nIt works once, for 10 minutes. If you did not ask to sign in, ignore this message.\n`,
      },
    );
  };
}
