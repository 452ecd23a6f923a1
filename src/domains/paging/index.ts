export {
  type ContactMethods,
  NO_CONTACT_METHODS,
  type NotificationRulesDto,
  NotificationRulesService,
  rulesReads,
} from './rules.service.js';
