/** Outbound URL safety: which addresses deliveries, triggers and webhook verification may connect to. */
export { embeddedIpv4, ipv6Bytes, type SpecialRange, specialRange } from './address-ranges.js';
export { ForbiddenTargetError, guardedAgent, guardedConnector, isForbiddenTarget, TARGET_FORBIDDEN } from './guarded-connector.js';
export { OutboundPolicy, type OutboundPolicyOptions } from './outbound-policy.js';
