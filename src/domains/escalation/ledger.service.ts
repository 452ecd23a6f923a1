import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { type DeliveryState, deliveryState, type LedgerPageFacts } from './ledger.calc.js';
import { type ActRow, ledgerStore, type StepKey } from './ledger.store.js';

export type { StepKey as LedgerStepKey } from './ledger.store.js';

/** A page as its step's ledger shows it: the person or channel, the method, and where its delivery stands. */
export interface LedgerPageDto extends LedgerPageFacts {
  state: DeliveryState;
}

/** Who acknowledged or resolved, and how (`via`: sms, voice, slack, api; null when not recorded). */
export type LedgerActDto = Omit<ActRow, 'kind'>;

/** One step's delivery ledger: its pages (in rule order, person by person) and how the incident was stopped. */
export interface LedgerStepDto extends StepKey {
  pages: LedgerPageDto[];
  acknowledged: LedgerActDto | null;
  resolved: LedgerActDto | null;
}

const act = (rows: ActRow[], kind: ActRow['kind']): LedgerActDto | null => {
  const r = rows.find((a) => a.kind === kind);
  return r ? { name: r.name, slackUserId: r.slackUserId, via: r.via, at: r.at } : null;
};

/**
 * The delivery ledger people see under the incident's card: one thread reply per escalation step, redrawn from
 * the database as it is now, and where each step's reply is (so later statuses edit it in place).
 */
export class LedgerService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** The step's ledger as it stands now; null when the step paged nobody (nothing to show). */
  async step(actor: Actor, k: StepKey): Promise<LedgerStepDto | null> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const pages = await ledgerStore.stepPages(em, actor.tenantId, k);
      const [first] = pages;
      if (!first) return null;
      const since = new Date(Math.min(...pages.map((p) => p.createdAt.getTime())));
      const acts = await ledgerStore.acts(em, actor.tenantId, k.incidentId, k.generation, since);
      return {
        ...k,
        pages: pages.map((p) => ({ ...p, state: deliveryState(p) })),
        acknowledged: act(acts, 'acknowledged'),
        resolved: act(acts, 'resolved'),
      };
    });
  }

  /** Where the step's ledger was posted (channel id and ts), or null before its first post. */
  message(tenantId: string, k: StepKey): Promise<{ channel: string; ts: string } | null> {
    return withEm(this.orm, { tenantId }, (em) => ledgerStore.message(em, tenantId, k));
  }

  /**
   * Other ledger rows of the step whose post may have gone out without its answer being recorded (`maybe_sent`):
   * before a first post, each is looked for in the thread, so the ledger is never posted twice.
   */
  maybePosted(
    tenantId: string,
    k: StepKey,
    exclude: readonly string[],
  ): Promise<{ id: string; createdAt: Date }[]> {
    return withEm(this.orm, { tenantId }, (em) => ledgerStore.maybePosted(em, tenantId, k, exclude));
  }

  /** Records where the step's ledger was posted (a second record for the step changes nothing). */
  async saveMessage(tenantId: string, k: StepKey, msg: { channel: string; ts: string }): Promise<void> {
    const at = this.clock.now();
    await withTx(this.orm, { tenantId }, (em) => ledgerStore.saveMessage(em, tenantId, k, msg, at));
  }
}
