import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../security/secret-box.js';
import { hashToken } from '../security/tokens.js';
import type { AppsTable } from '../store/schema.js';

export interface AppSecrets {
  clientSecret: string;
  appKey: string;
  signingSecret: string;
}

export type SecretName = keyof AppSecrets;

/** 256 bits from the CSPRNG, hex like Pumble's secrets. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Seals each secret under its own purpose (so ciphertexts can't be swapped between columns). */
export function sealSecrets(box: SecretBox, appId: string, secrets: AppSecrets) {
  return {
    client_secret_enc: box.seal(secrets.clientSecret, `app:${appId}:clientSecret`),
    app_key_enc: box.seal(secrets.appKey, `app:${appId}:appKey`),
    app_key_hash: hashToken(secrets.appKey),
    signing_secret_enc: box.seal(secrets.signingSecret, `app:${appId}:signingSecret`),
  };
}

export function openSecrets(box: SecretBox, row: AppsTable): AppSecrets {
  return {
    clientSecret: box.open(row.client_secret_enc, `app:${row.id}:clientSecret`),
    appKey: box.open(row.app_key_enc, `app:${row.id}:appKey`),
    signingSecret: box.open(row.signing_secret_enc, `app:${row.id}:signingSecret`),
  };
}

/** The signing secrets to sign with now: the current one, plus the previous during its grace period. */
export function signingSecretsOf(box: SecretBox, row: AppsTable, now: number): { current: string; previous?: string } {
  const current = box.open(row.signing_secret_enc, `app:${row.id}:signingSecret`);
  if (row.previous_signing_secret_enc && row.previous_signing_until !== null && row.previous_signing_until > now) {
    return { current, previous: box.open(row.previous_signing_secret_enc, `app:${row.id}:previousSigningSecret`) };
  }
  return { current };
}
