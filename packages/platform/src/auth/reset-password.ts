import { SwitchboardError } from '@switchboard/protocol';
import { openStore, type StoreOptions } from '../store/db.js';
import { hashPassword } from './passwords.js';
import { randomPassword } from './sessions-service.js';

export interface PasswordReset {
  email: string;
  password: string;
  /** True when the password was generated (the operator must pass it on). */
  generated: boolean;
  /** Sessions ended: whoever held the old password is signed out everywhere. */
  endedSessions: number;
}

/**
 * Sets a person's password straight in the store, for the operator of a local platform
 * (`switchboard users reset-password`); works whether or not the platform is running. Every
 * session of the account ends, so an old password's sessions do not outlive it.
 */
export async function resetPassword(
  store: Pick<StoreOptions, 'dataDir' | 'databaseUrl' | 'pgSchema'>,
  rawEmail: string,
  newPassword?: string,
): Promise<PasswordReset> {
  const email = rawEmail.trim().toLowerCase();
  if (newPassword !== undefined && newPassword.length < 8) throw new SwitchboardError('invalid_request', 'A password has at least 8 characters.');
  const password = newPassword ?? randomPassword();
  const { db, close } = await openStore({ ...store, onBackgroundError: () => {} });
  try {
    const account = await db.selectFrom('accounts').select(['id', 'email']).where('email', '=', email).executeTakeFirst();
    if (!account) throw new SwitchboardError('not_found', `No account has the e-mail address ${email}.`);
    const passwordHash = await hashPassword(password);
    const now = Date.now();
    const ended = await db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', account.id).execute();
      const result = await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('account_id', '=', account.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
    return { email: account.email, password, generated: newPassword === undefined, endedSessions: ended };
  } finally {
    await close();
  }
}
