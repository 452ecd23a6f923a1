import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, type FieldProblem, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import { existingScheduleIds } from '../rosters/index.js';
import { existingUserIds } from '../tenants/index.js';
import { inForceQuery, type PolicyFields, type PolicyRow, policiesStore } from './policies.store.js';
import { type PolicyDto, sameFields, toPolicyDto, toSnapshot } from './policy.mapper.js';
import { type PolicyInput, type PolicySnapshot, policyInputSchema } from './policy.types.js';

/** What else uses a policy (services name theirs): a policy in use is not deleted. */
export interface PolicyUsage {
  /** Names of the services whose policy this is. */
  servicesUsing(em: Em, tenantId: string, policyId: string): Promise<string[]>;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const listing = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** Parses a policy and checks that every user and schedule it names is the tenant's (400 naming the field). */
async function parsePolicy(em: Em, tenantId: string, input: unknown): Promise<PolicyFields> {
  const parsed = parseInput(policyInputSchema, input, 'The escalation policy is not valid.');
  const { name, description, ...spec } = parsed;
  const refs = spec.steps.flatMap((s, i) =>
    s.targets.flatMap((t, j) => {
      const kind = t.type === 'manager_of' ? t.of : t.type;
      return kind === 'user' || kind === 'schedule'
        ? [{ kind, id: t.id, field: `steps.${i}.targets.${j}.id` }]
        : [];
    }),
  );
  const ids = (kind: 'user' | 'schedule') => refs.filter((x) => x.kind === kind).map((x) => x.id);
  const [users, schedules] = await Promise.all([
    existingUserIds(em, tenantId, ids('user'), { hold: true }),
    existingScheduleIds(em, tenantId, ids('schedule'), { hold: true }),
  ]);
  const problems: FieldProblem[] = refs
    .filter((x) => !(x.kind === 'user' ? users : schedules).has(x.id))
    .map((x) => ({
      field: x.field,
      message: isUuid(x.id) ? `No ${x.kind} has the id ${x.id}.` : `"${x.id}" is not a ${x.kind} id.`,
    }));
  if (problems.length)
    throw AppError.validation(
      `The escalation policy names ${problems.length === 1 ? 'a user or schedule' : 'users or schedules'} that do not exist.`,
      problems,
    );
  return { name, description: description ?? null, spec };
}

const nameTaken = (name: string) => AppError.conflict(`An escalation policy named "${name}" already exists.`);

/** Escalation policies: validated, versioned on every change, guarded against deletion while in use. */
export class PoliciesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly usage: PolicyUsage,
  ) {}

  async list(actor: Actor): Promise<PolicyDto[]> {
    authorize(actor, 'escalation_policy:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      policiesStore.list(em, actor.tenantId),
    );
    return rows.map(toPolicyDto);
  }

  async get(actor: Actor, id: string): Promise<PolicyDto> {
    authorize(actor, 'escalation_policy:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      toPolicyDto(await this.load(em, actor.tenantId, id)),
    );
  }

  async create(actor: Actor, input: PolicyInput | unknown): Promise<PolicyDto> {
    authorize(actor, 'escalation_policy:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const fields = await parsePolicy(em, actor.tenantId, input);
      // Names are told apart without case (`opswatch apply` finds policies by name).
      if (await policiesStore.byName(em, actor.tenantId, fields.name)) throw nameTaken(fields.name);
      const row = await policiesStore.insert(em, actor.tenantId, fields, this.clock.now());
      if (!row) throw nameTaken(fields.name);
      await this.audit(em, actor, 'escalation_policy.created', row);
      return toPolicyDto(row);
    });
  }

  /** Replaces a policy; its version goes up (unless nothing changed). Incidents already escalating keep theirs. */
  async update(actor: Actor, id: string, input: PolicyInput | unknown): Promise<PolicyDto> {
    authorize(actor, 'escalation_policy:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id);
      const fields = await parsePolicy(em, actor.tenantId, input);
      return toPolicyDto(await this.replace(em, actor, before, fields));
    });
  }

  /** Creates or replaces the policy of this name (`opswatch apply`); nothing changes when it is the same. */
  async upsertByName(actor: Actor, input: unknown): Promise<{ outcome: UpsertOutcome; policy: PolicyDto }> {
    authorize(actor, 'escalation_policy:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const fields = await parsePolicy(em, actor.tenantId, input);
      const before = await policiesStore.byName(em, actor.tenantId, fields.name);
      if (!before) {
        const row = await policiesStore.insert(em, actor.tenantId, fields, this.clock.now());
        if (!row) throw nameTaken(fields.name);
        await this.audit(em, actor, 'escalation_policy.created', row);
        return { outcome: 'created' as const, policy: toPolicyDto(row) };
      }
      const row = await this.replace(em, actor, before, fields);
      return {
        outcome: row === before ? ('unchanged' as const) : ('updated' as const),
        policy: toPolicyDto(row),
      };
    });
  }

  /** Deletes a policy no service uses and that is not the default (409 naming what uses it). */
  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'escalation_policy:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, id);
      const services = await this.usage.servicesUsing(em, actor.tenantId, row.id);
      const uses = [
        ...(services.length ? [`service${services.length > 1 ? 's' : ''} ${listing(services)}`] : []),
        ...(row.is_default ? ['the tenant’s default policy setting'] : []),
      ];
      if (uses.length)
        throw AppError.conflict(
          `The escalation policy "${row.name}" is in use by ${uses.join(' and ')}; give them another policy first.`,
        );
      await policiesStore.remove(em, actor.tenantId, row.id);
      await this.audit(em, actor, 'escalation_policy.deleted', row);
    });
  }

  /** The tenant's default policy (for services without one), or null. */
  async defaultPolicyId(actor: Actor): Promise<string | null> {
    authorize(actor, 'settings:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      policiesStore.defaultId(em, actor.tenantId),
    );
  }

  /** Sets (or, with null, clears) the tenant's default policy; an unknown id is a 400. */
  async setDefaultPolicy(actor: Actor, id: string | null): Promise<string | null> {
    authorize(actor, 'settings:write');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      if (id !== null && !(isUuid(id) && (await policiesStore.byId(em, actor.tenantId, id))))
        throw AppError.validation('The settings are not valid.', [
          { field: 'escalation.defaultPolicyId', message: `No escalation policy has the id ${id}.` },
        ]);
      const before = await policiesStore.defaultId(em, actor.tenantId);
      if (before === id) return id;
      await policiesStore.setDefault(em, actor.tenantId, id);
      await recordAudit(
        em,
        actor,
        {
          action: 'settings.default_policy',
          targetType: 'escalation_policy',
          targetId: id,
          data: { before },
        },
        this.clock.now(),
      );
      return id;
    });
  }

  private async load(em: Em, tenantId: string, id: string): Promise<PolicyRow> {
    const row = isUuid(id) ? await policiesStore.byId(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`Escalation policy ${id}`);
    return row;
  }

  private async replace(em: Em, actor: Actor, before: PolicyRow, fields: PolicyFields): Promise<PolicyRow> {
    if (sameFields(before, fields)) return before;
    const clash = await policiesStore.byName(em, actor.tenantId, fields.name);
    if (clash && clash.id !== before.id) throw nameTaken(fields.name);
    const row = await policiesStore.update(em, actor.tenantId, before.id, fields, this.clock.now());
    if (!row) throw AppError.notFound(`Escalation policy ${before.id}`);
    await this.audit(em, actor, 'escalation_policy.updated', row);
    return row;
  }

  private audit(em: Em, actor: Actor, action: string, row: PolicyRow): Promise<void> {
    return recordAudit(
      em,
      actor,
      {
        action,
        targetType: 'escalation_policy',
        targetId: row.id,
        data: { name: row.name, version: row.version },
      },
      this.clock.now(),
    );
  }
}

/** Policy reads the engine makes in its own transaction (see EscalationDirectory). */
export const policyReads = {
  /** The policy `preferred` names (a scalar subquery of a policy id), else the tenant's default, else null. */
  async inForce(
    em: Em,
    tenantId: string,
    preferred: Parameters<typeof policiesStore.inForce>[2],
  ): Promise<PolicySnapshot | null> {
    const row = await policiesStore.inForce(em, tenantId, preferred);
    return row ? toSnapshot(row) : null;
  },
  /**
   * The same, as a query another statement embeds (`join lateral (…) p on true`): its rows have the policy's
   * columns (id, name, spec, version, is_default…), none when no policy is in force.
   */
  inForceQuery,
  /** Whether the tenant has a policy with this id. */
  async exists(em: Em, tenantId: string, id: string): Promise<boolean> {
    return isUuid(id) && (await policiesStore.byId(em, tenantId, id)) !== undefined;
  },
  /** Names of the policies with a step targeting this user or schedule (directly or through `manager_of`). */
  using: policiesStore.using,
};
