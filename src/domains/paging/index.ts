export {
  type PhoneMetrics,
  type PhonePagingDeps,
  PhonePagingService,
  type Prepared,
  SEND_DEADLINE_MS,
} from './phone-paging.service.js';
export {
  type ContactMethods,
  NO_CONTACT_METHODS,
  type NotificationRulesDto,
  NotificationRulesService,
  rulesReads,
} from './rules.service.js';
export { VOICE_MENU } from './sms-text.calc.js';
