/**
 * "INC-42 resolved by itself. What fixed it?": once per incident that resolved by itself, a DM to whoever
 * acknowledged it (else its assignee) with a button opening the resolve form. Run by the engine on every worker:
 * each waiting ask is taken by one transaction only (`state = 'pending'` in its update), and its DM row has the
 * outbox key `kb.ask:<incident>`, so three workers send it once.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import { rendererActor, systemActor } from '../../shared/actor.js';
import { isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentDetailDto } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import { fileResolution, type KnowledgePorts } from './knowledge.capture.js';
import { knowledgeStore } from './knowledge.store.js';

/** What the DM says: the incident, and the button's incident id. */
export interface AskView {
  incidentId: string;
  number: number;
  title: string;
  service: string;
  resolvedAt: Date;
}

export interface AskDeps {
  orm: MikroORM;
  ports: KnowledgePorts;
  /** The incident with its timeline, as the renderer reads it (null: gone). */
  detail(tenantId: string, incidentId: string): Promise<IncidentDetailDto | null>;
  enqueue(em: Em, rows: readonly NewOutboxRow[]): Promise<void>;
  /** The DM's text and blocks (a pure Block Kit builder, handed in by the composition root). */
  renderAsk(view: AskView): { text: string; blocks: unknown[] };
  log: Logger;
}

const BATCH = 50;

/** Whom to ask: the last person who acknowledged it, else its assignee (their Slack user id), else nobody. */
async function recipient(em: Em, tenantId: string, inc: IncidentDetailDto): Promise<string | null> {
  const ack = [...inc.timeline].reverse().find((t) => t.kind === 'acknowledged' && t.actor.kind === 'user');
  const acker = ack?.actor.id ? await knowledgeStore.slackIdOf(em, tenantId, ack.actor.id) : null;
  return acker ?? inc.assignee?.slackUserId ?? null;
}

export async function askPending(deps: AskDeps, now: Date): Promise<{ asked: number; skipped: number }> {
  const pending = await withEm(deps.orm, 'system', (em) => knowledgeStore.pendingAsks(em, BATCH));
  let asked = 0;
  let skipped = 0;
  for (const p of pending) {
    const inc = await deps.detail(p.tenant_id, p.incident_id);
    const done = await withTx(deps.orm, { tenantId: p.tenant_id }, async (em) => {
      const facts = inc ? await deps.ports.facts(em, p.tenant_id, p.incident_id) : null;
      const lane =
        inc && facts && !facts.test && !facts.drill && facts.status === 'resolved'
          ? await recipient(em, p.tenant_id, inc)
          : null;
      const state = lane ? 'sent' : 'skipped';
      if (!(await knowledgeStore.finishAsk(em, p.tenant_id, p.incident_id, state, lane, now))) return null;
      if (!inc || !facts?.resolvedAt) return state;
      const resolvedAt = new Date(facts.resolvedAt);
      await fileResolution(em, deps.ports, systemActor(p.tenant_id), p.incident_id, resolvedAt, {
        fix: null,
        cause: null,
        kb: false,
        auto: true,
        late: false,
      });
      if (!lane) return state;
      const msg = deps.renderAsk({
        incidentId: inc.id,
        number: inc.number,
        title: inc.title,
        service: inc.service,
        resolvedAt,
      });
      await deps.enqueue(em, [
        {
          tenantId: p.tenant_id,
          incidentId: inc.id,
          destination: 'slack.dm',
          lane,
          payload: { type: 'message', text: msg.text, blocks: msg.blocks },
          key: `kb.ask:${inc.id}`,
        },
      ]);
      return state;
    });
    if (done === 'sent') asked++;
    else if (done === 'skipped') skipped++;
  }
  if (asked) deps.log.info({ asked }, 'asked what fixed incidents that resolved by themselves');
  return { asked, skipped };
}

/** The renderer's read of an incident for an ask, or null when it is gone. */
export const rendererRead =
  (get: (actor: ReturnType<typeof rendererActor>, ref: string) => Promise<IncidentDetailDto>) =>
  async (tenantId: string, incidentId: string): Promise<IncidentDetailDto | null> => {
    try {
      return await get(rendererActor(tenantId), incidentId);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return null;
      throw err;
    }
  };
