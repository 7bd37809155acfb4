import { SecretBox } from '@switchboard/protocol';
import type { ServiceData, ServiceKey } from './services-store.js';

/**
 * Seals `data` of services and bots with AES-256-GCM (the platform's `SecretBox` format). The
 * row's identity is the associated data, so a sealed value copied onto another row (another
 * group's service, say) does not open.
 * @example
 * const cipher = new DataCipher(process.env.SERVICES_KEY!); // 32 bytes, base64 or hex
 * const sealed = cipher.sealService(key, { accessToken });
 */
export class DataCipher {
  private readonly box: SecretBox;

  constructor(key: string | Uint8Array) {
    this.box = new SecretBox(parseKey(key));
  }

  sealService(key: Required<ServiceKey>, data: ServiceData): string {
    return this.box.seal(JSON.stringify(data), serviceAad(key));
  }

  openService(key: Required<ServiceKey>, sealed: string): ServiceData {
    return JSON.parse(this.box.open(sealed, serviceAad(key))) as ServiceData;
  }

  sealBot(id: string, data: ServiceData): string {
    return this.box.seal(JSON.stringify(data), `bots:${id}`);
  }

  openBot(id: string, sealed: string): ServiceData {
    return JSON.parse(this.box.open(sealed, `bots:${id}`)) as ServiceData;
  }
}

const serviceAad = (key: Required<ServiceKey>) => `services:${JSON.stringify([key.name, key.botId, key.groupId, key.userId])}`;

/** 32 bytes as raw bytes, 64 hex characters or base64; anything else fails at start-up. */
function parseKey(key: string | Uint8Array): Buffer {
  let bytes: Buffer | undefined;
  if (typeof key !== 'string') bytes = Buffer.from(key);
  else if (/^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(key)) bytes = Buffer.from(key, key.includes('-') || key.includes('_') ? 'base64url' : 'base64');
  if (bytes?.length !== 32) {
    throw new TypeError('The services encryption key must be 32 bytes: 64 hex characters or base64 (openssl rand -base64 32).');
  }
  return bytes;
}
