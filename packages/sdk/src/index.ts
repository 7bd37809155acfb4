/**
 * @switchboard/sdk — build apps for Switchboard (and Pumble: only the API base URL differs).
 *
 * The app (`createApp`), its receivers, request verification, delivery de-duplication,
 * credential stores, the install flow (`app.installUrl`), third-party services, the typed
 * App API client and the app-identity token manager.
 * @example
 * import { ApiClient, SqliteTokenStore, createVerifier } from '@switchboard/sdk';
 * const store = new SqliteTokenStore('./credentials.db');
 * await store.initialize();
 * const client = new ApiClient({ baseUrl, auth: { token: (await store.getBotToken(workspaceId))!, appKey } });
 */

export { type AnyListenerContext, App, createApp } from './app/app.js';
export type { AppOptions } from './app/app-options.js';
export { AppConfigError } from './app/config-error.js';
export type {
  ActionContext,
  BaseContext,
  CommandContext,
  EventContext,
  EventPayload,
  MenuContext,
  ModalCapable,
  ShortcutContext,
  ViewContext,
  WebhookContext,
} from './app/context.js';
export type { DeclarativeListeners, EventListenerSpec, Handler, WebhookListenerSpec } from './app/declarative.js';
export type { ErrorInfo, ErrorListener } from './app/delivery-runner.js';
export { type AppEnvironment, appEnvironment, withEnvironment } from './app/environment.js';
export type { MenuProducer, MessageEventOptions, ViewFilter } from './app/listener-chains.js';
export { type Middleware, type Next, runMiddleware } from './app/middleware.js';
export * from './client/index.js';
export { DeliveryDeduper, type DeliveryDeduperOptions } from './delivery-deduper.js';
export { AppTokenManager, type AppTokenManagerOptions } from './identity/app-token-manager.js';
export type { InstallResult, InstallUrlOptions, OAuthOptions } from './oauth/install-flow.js';
export { OAuthFlowError, type OAuthFlowErrorCode } from './oauth/oauth-error.js';
export { DEFAULT_STATE_TTL_MS, type IssuedState, SignedStates, type SignedStatesOptions, type StateData } from './oauth/signed-state.js';
export { MemoryStateStore, type StateStore } from './oauth/state-store.js';
export { type HttpAddress, HttpReceiver, type HttpReceiverOptions, type ListenOptions } from './receivers/http-receiver.js';
export type { AckFn, AckReply, Delivery, Receiver, ReceiverHost } from './receivers/receiver.js';
export { RelayConnection, type RelayConnectionOptions, type RelayConnectionState, type RelayFrameHandlers } from './receivers/relay-connection.js';
export { RelayReceiver, type RelayReceiverOptions } from './receivers/relay-receiver.js';
export { type RouteMethod, Router, type WebHandler } from './receivers/router.js';
export { type SignedDelivery, type SignedDeliveryOptions, signedDelivery } from './receivers/signed-delivery.js';
export { SocketReceiver, type SocketReceiverOptions, type SocketReceiverState } from './receivers/socket-receiver.js';
export { type HeaderBag, headerValue, type RequestView } from './request-view.js';
export { DataCipher } from './services/data-cipher.js';
export { PostgresServicesStore, type PostgresServicesStoreOptions } from './services/postgres-services-store.js';
export {
  ProviderTokenResponse,
  type ServiceProvider,
  type ServiceProviderInput,
  ServiceProviderSchema,
  type ServiceTokens,
} from './services/service-provider.js';
export type { Bot, Service, ServiceData, ServiceKey, ServicesStore } from './services/services-store.js';
export { SqliteServicesStore, type SqliteServicesStoreOptions } from './services/sqlite-services-store.js';
export { type ConnectedService, type ConnectTarget, ThirdPartyServices, type ThirdPartyServicesOptions } from './services/third-party-services.js';
export type { CredentialsStore, OAuth2AccessTokenResponse } from './stores/credentials-store.js';
export { JsonFileTokenStore } from './stores/json-file-token-store.js';
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './stores/postgres-token-store.js';
export { SqliteTokenStore } from './stores/sqlite-token-store.js';
export {
  answerVerificationChallenge,
  createVerifier,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMESTAMP_TOLERANCE_MS,
  isVerificationChallenge,
  type JsonObject,
  PREVIOUS_SIGNATURE_HEADER,
  type PumbleVerifierOptions,
  type SignedReply,
  type VerificationChallenge,
  type VerifiedDelivery,
  type Verifier,
  type VerifierOptions,
  type VerifyFailure,
  type VerifyFailureCode,
  type VerifyResult,
  type WatsonVerifierOptions,
} from './verify.js';
