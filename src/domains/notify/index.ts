export { type OutboxOptions, OutboxService, type SlackRoutes, slackRoutesSchema } from './outbox.service.js';
export { OUTBOX_CHANNEL } from './outbox.store.js';
export {
  type CardMessage,
  DeliveryError,
  type DeliveryReport,
  type OutboxKind,
  type OutboxRow,
  type OutboxSender,
  type PostedCard,
  type ReplyPayload,
} from './outbox.types.js';
