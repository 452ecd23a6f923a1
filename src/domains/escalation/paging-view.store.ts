import { type Em, query, sql } from '../../db/sql.js';

/** Reads for what people see of an escalation: who the current step pages, and what is paging a person. */

export interface PagedNowRow {
  user_id: string;
  name: string;
  slack_user_id: string | null;
  target_type: string;
  target_label: string | null;
}

export interface PagingUserRow {
  incident_id: string;
  generation: number;
  loop: number;
  step: number;
  target_type: string;
  target_label: string | null;
  paged_at: Date;
}

export const pagingViewStore = {
  /** The people the escalation's current step (generation, loop, step) pages, once each. */
  pagedNow(
    em: Em,
    tenantId: string,
    incidentId: string,
    at: { generation: number; loop: number; step: number },
  ): Promise<PagedNowRow[]> {
    return query<PagedNowRow>(
      em,
      sql`select distinct on (p.user_id) p.user_id, u.name, u.slack_user_id, p.target_type, p.target_label
          from pages p join users u on u.tenant_id = p.tenant_id and u.id = p.user_id
          where p.tenant_id = ${tenantId} and p.incident_id = ${incidentId} and p.generation = ${at.generation}
            and p.loop = ${at.loop} and p.step = ${at.step} and p.status in ('pending', 'queued', 'sent')
          order by p.user_id, p.rule_position`,
    );
  },

  /** Slack ids of everyone the incident's escalation has paged (any generation, any outcome). */
  async pagedSlackUsers(em: Em, tenantId: string, incidentId: string): Promise<string[]> {
    const rows = await query<{ slack_user_id: string }>(
      em,
      sql`select distinct u.slack_user_id from pages p join users u on u.tenant_id = p.tenant_id and u.id = p.user_id
          where p.tenant_id = ${tenantId} and p.incident_id = ${incidentId} and u.slack_user_id is not null
          order by 1`,
    );
    return rows.map((r) => r.slack_user_id);
  },

  /**
   * What is paging the user now: triggered incidents whose escalation is active and has paged them in its
   * current generation (their latest page on each).
   */
  pagingUser(em: Em, tenantId: string, userId: string): Promise<PagingUserRow[]> {
    return query<PagingUserRow>(
      em,
      sql`select distinct on (p.incident_id) p.incident_id, e.generation, e.loop, e.step, p.target_type,
            p.target_label, coalesce(p.sent_at, p.due_at) as paged_at
          from pages p
          join escalations e on e.tenant_id = p.tenant_id and e.incident_id = p.incident_id
            and e.generation = p.generation
          join incidents i on i.tenant_id = p.tenant_id and i.id = p.incident_id
          where p.tenant_id = ${tenantId} and p.user_id = ${userId} and e.state = 'active'
            and i.status = 'triggered' and p.status in ('queued', 'sent')
          order by p.incident_id, p.loop desc, p.step desc, p.due_at desc
          limit 50`,
    );
  },
};
