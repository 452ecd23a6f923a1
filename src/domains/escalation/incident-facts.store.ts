import { type Em, queryOne, sql } from '../../db/sql.js';

/** What escalating and paging read of an incident (the incidents domain owns the row; this only reads it). */
export interface IncidentFacts {
  id: string;
  tenant_id: string;
  number: number;
  title: string;
  service: string;
  environment: string;
  severity: number;
  status: 'triggered' | 'acknowledged' | 'resolved';
  drill: boolean;
  /** The latest firing alert's title, when the incident has alerts. */
  alert_summary: string | null;
  /** The lane of the incident's card (the first card posted), when it has one. */
  card_lane: string | null;
}

const COLUMNS = sql`i.id, i.tenant_id, i.number, i.title, i.service, i.environment, i.severity, i.status, i.drill,
  (select a.title from alerts a where a.incident_id = i.id order by a.status = 'firing' desc, a.last_seen_at desc limit 1)
    as alert_summary,
  (select o.lane from outbox o where o.incident_id = i.id and o.destination = 'slack.post' order by o.id limit 1)
    as card_lane`;

export const incidentFactsStore = {
  get(em: Em, tenantId: string, incidentId: string): Promise<IncidentFacts | undefined> {
    return queryOne<IncidentFacts>(
      em,
      sql`select ${COLUMNS} from incidents i where i.tenant_id = ${tenantId} and i.id = ${incidentId}`,
    );
  },

  byRef(em: Em, tenantId: string, ref: { id?: string; number?: number }): Promise<IncidentFacts | undefined> {
    return queryOne<IncidentFacts>(
      em,
      ref.id
        ? sql`select ${COLUMNS} from incidents i where i.tenant_id = ${tenantId} and i.id = ${ref.id}`
        : sql`select ${COLUMNS} from incidents i where i.tenant_id = ${tenantId} and i.number = ${ref.number ?? -1}`,
    );
  },
};
