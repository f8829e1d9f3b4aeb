// Webhooks that lose nothing: signature check, receiver, durable event store, processor with the
// order projection and typed handlers, registration, reconciliation and cleanup.
export { SIGNATURE_HEADER, SIGNATURE_PATTERN, signWebhookBody, verifyWebhookSignature } from './signature.js'
export { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './events.js'
export type {
  CheckoutEmailChanged,
  WebhookEvent,
  WebhookEventType,
  WebhookHandler,
  WebhookHandlerContext,
  WebhookHandlerEvents,
  WebhookHandlerName,
  WebhookPayloads,
} from './events.js'
export { parseEnvelope, parseJson } from './envelope.js'
export type { Envelope, EnvelopeProblem } from './envelope.js'
export {
  countWebhookEvents,
  createWebhookStore,
  getOrderProjection,
  getWebhookEvent,
  hasSeenEvent,
  listOrderProjections,
  recordCheckoutCustomer,
  requeueDeadEvents,
  WEBHOOK_MIGRATIONS,
} from './store.js'
export type { EventSource, IngestInput, IngestOutcome, WebhookEventRow, WebhookEventStatus, WebhookStore } from './store.js'
export { createWebhookReceiver, RAW_BODY_UNAVAILABLE } from './receiver.js'
export type { ReceiveResult, WebhookReceiver, WebhookReceiverOptions } from './receiver.js'
export { applyEvent } from './projection.js'
export type {
  OrderProjection,
  OrderStatus,
  ProjectedAddress,
  ProjectedAuthorization,
  ProjectedCapture,
  ProjectedItem,
  ProjectedLabel,
  ProjectedMoney,
  ProjectedPrice,
  ProjectedPriceDetail,
  ProjectedRefund,
} from './projection.js'
export { createWebhookProcessor, LeaseLostError } from './processor.js'
export type { ParkedEventAlert, ProcessOutcome, WebhookProcessor, WebhookProcessorOptions, WebhookWorker } from './processor.js'
export {
  registerWebhooks,
  storedWebhookSecrets,
  updateWebhookSettings,
  WEBHOOK_PREVIOUS_SECRETS_SETTING,
  WEBHOOK_SECRET_SETTING,
  webhookUrl,
} from './register.js'
export type { WebhookRegistration, WebhookSettingsResult } from './register.js'
export { cleanupWebhookEvents, reconcileWebhooks } from './reconcile.js'
export type { CleanupReport, ReconcileReport } from './reconcile.js'
