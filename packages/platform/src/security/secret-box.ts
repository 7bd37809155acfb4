// The cipher lives in protocol so the SDK's ServicesStore seals with the very same format.
export { SecretBox } from '@switchboard/protocol';
