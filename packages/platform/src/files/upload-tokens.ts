import { createHmac, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '@switchboard/protocol';
import { z } from 'zod';

/** What an upload token stands for: one upload, by one caller, of one named file. */
export const UploadGrant = z.object({
  id: z.string(),
  workspaceId: z.string(),
  ownerId: z.string(),
  appId: z.string().nullable(),
  name: z.string(),
  expiresAt: z.number().int(),
});
export type UploadGrant = z.infer<typeof UploadGrant>;

const PREFIX = 'sbu1';

/**
 * Stateless upload tokens (`<prefix>.<grant>.<hmac>`): the upload route (`/upload/files`) carries
 * no API token, only this one in the `authtoken` header, so it must say who uploads what.
 * Single use comes from the grant's id being the file's primary key.
 */
export class UploadTokens {
  constructor(private readonly key: Buffer) {}

  issue(grant: UploadGrant): string {
    const body = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${PREFIX}.${body}.${this.sign(body)}`;
  }

  verify(token: string, now: number): UploadGrant {
    const [prefix, body, signature, extra] = token.split('.');
    if (prefix !== PREFIX || !body || !signature || extra !== undefined) throw new SwitchboardError('invalid_token', 'This is not an upload token.');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SwitchboardError('invalid_token', 'The upload token is not valid.');
    const grant = UploadGrant.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (grant.expiresAt <= now) throw new SwitchboardError('token_expired', 'The upload token expired; ask for a new one.');
    return grant;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(`${PREFIX}.${body}`).digest('base64url');
  }
}
