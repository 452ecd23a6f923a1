import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, type FieldProblem, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import {
  DEFAULT_RULES,
  type NotificationRule,
  type NotificationRules,
  notificationRulesSchema,
  URGENCIES,
  type Urgency,
} from '../escalation/index.js';
import { existingUserIds } from '../tenants/index.js';
import { contactMethodsStore } from './contact-methods.store.js';
import type { ContactMethodType } from './contact-methods.types.js';
import { rulesStore, toRule } from './rules.store.js';

/** People's contact methods (phone numbers for SMS and voice): a rule by SMS or voice names a verified one. */
export interface ContactMethods {
  /** Whether the user has an active (verified) contact method with this id, of this type (an sms rule: sms). */
  verifiedPhone(
    em: Em,
    tenantId: string,
    userId: string,
    contactMethodId: string,
    method: ContactMethodType,
  ): Promise<boolean>;
}

/** No contact methods at all: every rule by SMS or voice is refused (tests of the rules alone). */
export const NO_CONTACT_METHODS: ContactMethods = { verifiedPhone: async () => false };

/** The contact methods domain's own answer (what the composition root wires). */
export const CONTACT_METHODS: ContactMethods = {
  verifiedPhone: (em, tenantId, userId, id, method) =>
    isUuid(id) ? contactMethodsStore.isActive(em, tenantId, userId, id, method) : Promise.resolve(false),
};

/** A person's rules per urgency, and for each urgency whether they are the defaults (none were set). */
export interface NotificationRulesDto extends NotificationRules {
  userId: string;
  defaulted: Record<Urgency, boolean>;
}

const PHONE_NEEDED = 'needs a verified phone contact method';

/** Notification rules: how and when each person is told they are being paged, per urgency. */
export class NotificationRulesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly contacts: ContactMethods = NO_CONTACT_METHODS,
  ) {}

  async get(actor: Actor, userId: string): Promise<NotificationRulesDto> {
    authorize(actor, 'notification_rule:read', { owners: [userId] });
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await this.mustExist(em, actor.tenantId, userId);
      return this.read(em, actor.tenantId, userId);
    });
  }

  /** Replaces a person's rules (an empty list for an urgency: the defaults apply). Their own, or a manager's. */
  async set(actor: Actor, userId: string, input: NotificationRules | unknown): Promise<NotificationRulesDto> {
    authorize(actor, 'notification_rule:write', { owners: [userId] });
    const rules = parseInput(notificationRulesSchema, input, 'The notification rules are not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await this.mustExist(em, actor.tenantId, userId);
      const problems = await this.phoneProblems(em, actor.tenantId, userId, rules);
      if (problems.length) throw AppError.validation('The notification rules are not valid.', problems);
      await rulesStore.replace(em, actor.tenantId, userId, rules, this.clock.now());
      await recordAudit(
        em,
        actor,
        { action: 'notification_rules.updated', targetType: 'user', targetId: userId, data: rules },
        this.clock.now(),
      );
      return this.read(em, actor.tenantId, userId);
    });
  }

  private async phoneProblems(
    em: Em,
    tenantId: string,
    userId: string,
    rules: NotificationRules,
  ): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    for (const urgency of URGENCIES)
      for (const [i, rule] of rules[urgency].entries()) {
        if (rule.method === 'slack_dm') continue;
        const id = rule.contactMethodId;
        if (!id)
          problems.push({
            field: `${urgency}.${i}.method`,
            message: `${rule.method} ${PHONE_NEEDED}: name one with contactMethodId.`,
          });
        else if (!(await this.contacts.verifiedPhone(em, tenantId, userId, id, rule.method)))
          problems.push({
            field: `${urgency}.${i}.contactMethodId`,
            message: `${rule.method} ${PHONE_NEEDED}; ${id} is not a verified ${rule.method} contact method of this person.`,
          });
      }
    return problems;
  }

  private async mustExist(em: Em, tenantId: string, userId: string): Promise<void> {
    if (!(await existingUserIds(em, tenantId, [userId])).has(userId))
      throw AppError.notFound(`User ${userId}`);
  }

  private async read(em: Em, tenantId: string, userId: string): Promise<NotificationRulesDto> {
    const found = (await rulesReads.rulesOf(em, tenantId, [userId])).get(userId);
    return {
      userId,
      high: found?.high.rules ?? [...DEFAULT_RULES.high],
      low: found?.low.rules ?? [...DEFAULT_RULES.low],
      defaulted: { high: found?.high.defaulted ?? true, low: found?.low.defaulted ?? true },
    };
  }
}

type Resolved = { rules: NotificationRule[]; defaulted: boolean };

/** Rule reads the engine makes in its own transaction (see EscalationDirectory). */
export const rulesReads = {
  /** Each user's rules per urgency, the defaults where they have none (`defaulted`). One statement. */
  async rulesOf(
    em: Em,
    tenantId: string,
    userIds: readonly string[],
    urgency?: Urgency,
  ): Promise<Map<string, Record<Urgency, Resolved>>> {
    const rows = await rulesStore.of(em, tenantId, [...new Set(userIds)], urgency ?? null);
    const out = new Map<string, Record<Urgency, Resolved>>();
    for (const id of userIds)
      out.set(id, {
        high: { rules: [...DEFAULT_RULES.high], defaulted: true },
        low: { rules: [...DEFAULT_RULES.low], defaulted: true },
      });
    const seen = new Set<string>();
    for (const row of rows) {
      const mine = out.get(row.user_id);
      if (!mine) continue;
      const key = `${row.user_id} ${row.urgency}`;
      if (!seen.has(key)) mine[row.urgency] = { rules: [], defaulted: false };
      seen.add(key);
      mine[row.urgency].rules.push(toRule(row));
    }
    return out;
  },
};
