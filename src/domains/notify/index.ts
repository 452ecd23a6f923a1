export { MAX_COALESCED } from './coalesce.calc.js';
export {
  type ChannelOpPayload,
  DESTINATION_SPECS,
  DESTINATIONS,
  type Destination,
  type DestinationSpec,
  destinationsOf,
  type EscalationPostPayload,
  type HandoffPayload,
  handoffPayloadSchema,
  type LedgerPayload,
  ledgerPayloadSchema,
  PAYLOADS,
  type PayloadOf,
  PLATFORMS,
  type Platform,
  runbookRunPayloadSchema,
  type SlaChartPayload,
  type SlaReportPayload,
  type StatusUpdatePayload,
  type UpdateReminderPayload,
} from './destinations.js';
export { CHANNEL_NAME_TRIES, channelName, slugOf } from './incident-channel.calc.js';
export {
  type ChannelIncident,
  type IncidentChannelDto,
  IncidentChannelsService,
  type OpenOutcome,
} from './incident-channels.service.js';
export {
  type LedgerStep,
  ledgerInsert,
  ledgerStepOf,
  ledgerTouched,
  ledgerWake,
} from './ledger-touch.store.js';
export { type OutboxOptions, OutboxService } from './outbox.service.js';
export { OUTBOX_CHANNEL } from './outbox.store.js';
export {
  type CardMessage,
  type DeliveryAdapter,
  DeliveryError,
  type DeliveryReport,
  type FoundSent,
  type NewOutboxRow,
  type OutboxRow,
  type PostedCard,
  type SendUnit,
} from './outbox.types.js';
export { UNDELIVERED_MAX_AGE_MS } from './outbox-expiry.js';
export { combineRegistries, type DeliveryRegistry, deliveryRegistry } from './registry.js';
export { slaReportRows } from './sla-report-rows.calc.js';
export { type ChannelRoutes, type SlackRoutes, slackRoutesSchema } from './slack-routes.js';
