import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A master key given as base64 or hex (at least 32 bytes); `name` says where it came from in the error. */
export function parseServerKey(value: string, name: string): Buffer {
  const key = /^[0-9a-fA-F]{64,}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length < 32) throw new Error(`${name} must hold at least 32 bytes (base64 or hex).`);
  return key;
}

/**
 * A server's master key: `fromEnv` (base64 or hex, >= 32 bytes, read from the variable `envName`)
 * when set, else generated once into `<dataDir>/secret.key` with mode 0600. Several nodes sharing
 * a PostgreSQL database must be given the same key through the environment.
 */
export function loadServerKey(dataDir: string, fromEnv: string | undefined, envName = 'SWITCHBOARD_SECRET_KEY'): Buffer {
  if (fromEnv) return parseServerKey(fromEnv, envName);
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

/** Derives an independent 32-byte key per purpose so one key never serves two algorithms. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `switchboard:${purpose}`, 32));
}
