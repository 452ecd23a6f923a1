import type { HowPagedView, PhoneView, RuleView } from '../../blocks/contact.blocks.js';
import type { ContactMethodDto, NotificationRulesDto } from '../domains/paging/index.js';

export const toPhoneView = (m: ContactMethodDto): PhoneView => ({
  id: m.id,
  type: m.type,
  phoneNumber: m.phoneNumber,
  status: m.status,
  statusReason: m.statusReason,
});

const toRuleView = (r: NotificationRulesDto['high'][number]): RuleView => ({
  method: r.method,
  delayMinutes: r.delayMinutes,
  ...(r.contactMethodId ? { contactMethodId: r.contactMethodId } : {}),
});

/** Someone's phones and rules as "How you get paged" shows them. */
export function toHowPagedView(
  methods: readonly ContactMethodDto[],
  rules: NotificationRulesDto,
): HowPagedView {
  return {
    phones: methods.map(toPhoneView),
    rules: { high: rules.high.map(toRuleView), low: rules.low.map(toRuleView) },
    defaulted: rules.defaulted,
  };
}
