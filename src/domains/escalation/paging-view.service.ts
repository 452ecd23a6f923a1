import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { whoIsOnCallAt } from '../rosters/index.js';
import { escalationStore } from './escalation.store.js';
import { pagingViewStore } from './paging-view.store.js';
import type { Target } from './policy.types.js';
import { nextPosition } from './step.calc.js';

export interface EscalationToken {
  generation: number;
  loop: number;
  step: number;
}

/** What an incident's card says of its escalation. */
export interface CardEscalationDto {
  token: EscalationToken;
  state: 'active' | 'acknowledged' | 'resolved' | 'exhausted';
  pagingNow: { name: string; slackUserId: string | null; why: string }[];
  /** When the next step fires and whom it pages; null after the last step. */
  next: { at: Date; to: string } | null;
  /** Loops run through (exhausted). */
  loops: number;
}

export interface PagingMeDto {
  incidentId: string;
  token: EscalationToken;
  target: { type: string; label: string | null };
  pagedAt: Date;
}

/** Why a person is paged, as the card reads it: "Payments on-call", "the manager of Payments", "directly". */
export function whyLabel(type: string, label: string | null): string {
  if (type === 'schedule') return `${label ?? 'schedule'} on-call`;
  if (type === 'user') return 'directly';
  return label ?? type;
}

/** Reads of the escalation as people see it: the card's line and App Home's "Incidents paging you". */
export class PagingViewService {
  constructor(private readonly orm: MikroORM) {}

  /** The card's escalation line; null when the incident has no escalation. */
  async cardEscalation(actor: Actor, incidentId: string): Promise<CardEscalationDto | null> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const esc = await escalationStore.get(em, actor.tenantId, incidentId);
      if (!esc) return null;
      const token = { generation: esc.generation, loop: esc.loop, step: esc.step };
      const paged = esc.step_fired_at
        ? await pagingViewStore.pagedNow(em, actor.tenantId, incidentId, token)
        : [];
      let next: CardEscalationDto['next'] = null;
      const move = nextPosition(esc.snapshot, token);
      if (esc.state === 'active' && esc.next_at && esc.step_fired_at && move.kind === 'step') {
        const targets = esc.snapshot.spec.steps[move.position.step]?.targets ?? [];
        const labels: string[] = [];
        for (const t of targets) labels.push(await this.label(em, actor.tenantId, t, esc.next_at));
        next = { at: esc.next_at, to: labels.join(', ') || 'the next step' };
      }
      return {
        token,
        state: esc.state,
        pagingNow: paged.map((p) => ({
          name: p.name,
          slackUserId: p.slack_user_id,
          why: whyLabel(p.target_type, p.target_label),
        })),
        next,
        loops: esc.loop + 1,
      };
    });
  }

  /** Slack ids of everyone paged for the incident so far (its channel invites them). */
  async pagedSlackUsers(actor: Actor, incidentId: string): Promise<string[]> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      pagingViewStore.pagedSlackUsers(em, actor.tenantId, incidentId),
    );
  }

  /** What is paging this user now. */
  async pagingUser(actor: Actor, userId: string): Promise<PagingMeDto[]> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      (await pagingViewStore.pagingUser(em, actor.tenantId, userId)).map((r) => ({
        incidentId: r.incident_id,
        token: { generation: r.generation, loop: r.loop, step: r.step },
        target: { type: r.target_type, label: r.target_label },
        pagedAt: new Date(r.paged_at),
      })),
    );
  }

  /** A step's target as the card names it before it fires. */
  private async label(em: Parameters<typeof whoIsOnCallAt>[0], tenantId: string, t: Target, at: Date) {
    switch (t.type) {
      case 'user':
        return (await escalationStore.userNames(em, tenantId, [t.id])).get(t.id) ?? 'a user';
      case 'schedule':
        return `${(await whoIsOnCallAt(em, tenantId, t.id, at))?.scheduleName ?? 'a schedule'} on-call`;
      case 'manager_of': {
        const of =
          t.of === 'schedule'
            ? (await whoIsOnCallAt(em, tenantId, t.id, at))?.scheduleName
            : (await escalationStore.userNames(em, tenantId, [t.id])).get(t.id);
        return `the manager of ${of ?? 'someone'}`;
      }
      case 'slack_channel':
        return `#${t.id.replace(/^#/, '')}`;
      case 'slack_user_group':
        return 'a user group';
    }
  }
}
