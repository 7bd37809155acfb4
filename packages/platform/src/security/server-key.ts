// The master key's loading and derivation live in protocol, so the relay seals its secrets the same way.
export { deriveKey, loadServerKey } from '@switchboard/protocol';
