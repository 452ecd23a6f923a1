import { type Em, query, sql } from '../../db/sql.js';

/** When an incident was open: from its creation (trigger) to its resolution (null while open). */
export interface IncidentSpanRow {
  id: string;
  number: number;
  title: string;
  triggered_at: Date;
  resolved_at: Date | null;
}

/**
 * Reads for SLA downtime: a service's incidents open at some point in [from, to), excluding test pages, merged
 * incidents (their time is their target's) and the SLA's own burn alerts (`source = 'sla'`, which the metrics
 * already count). Bounded.
 */
export const incidentSpans = {
  overlapping(em: Em, tenantId: string, service: string, from: Date, to: Date): Promise<IncidentSpanRow[]> {
    return query<IncidentSpanRow>(
      em,
      sql`select id, number, title, created_at as triggered_at, resolved_at from incidents
          where tenant_id = ${tenantId} and service = ${service} and created_at < ${to}
            and (resolved_at is null or resolved_at > ${from})
            and test_of is null and merged_into is null and source <> 'sla'
          order by created_at limit 1000`,
    );
  },
};
