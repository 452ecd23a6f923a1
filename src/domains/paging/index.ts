export { contactMethodsReads } from './contact-methods.reads.js';
export {
  type ContactMethodsDeps,
  ContactMethodsService,
  mayMarkVerified,
  toContactMethodDto,
} from './contact-methods.service.js';
export type { PhoneMethodRow } from './contact-methods.store.js';
export {
  CODE_TRIES,
  CODE_TTL_MINUTES,
  CONTACT_METHOD_STATUSES,
  CONTACT_METHOD_TYPES,
  type ContactMethodDto,
  type ContactMethodInput,
  type ContactMethodStatus,
  type ContactMethodsApi,
  type ContactMethodType,
  contactMethodInputSchema,
  type EnsureOutcome,
  verifyInputSchema,
} from './contact-methods.types.js';
export { checkPhone, formatPhone, type PhoneCheck, toE164 } from './phone.calc.js';
export {
  type PhoneMetrics,
  type PhonePagingDeps,
  PhonePagingService,
  type Prepared,
  SEND_DEADLINE_MS,
} from './phone-paging.service.js';
export {
  CONTACT_METHODS,
  type ContactMethods,
  NO_CONTACT_METHODS,
  type NotificationRulesDto,
  NotificationRulesService,
  rulesReads,
} from './rules.service.js';
export { VOICE_MENU } from './sms-text.calc.js';
export { RESEND_AFTER_MS } from './verification.calc.js';
