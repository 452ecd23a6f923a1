/**
 * The engine's `runbooks-attach` module: open incidents with alerts not looked at yet (just opened, or alerts
 * joined since) get the runbooks that an alert's `runbook_url` names or whose matchers match (attach.calc.ts).
 * Off the webhook path, in bounded set-based batches: one read of the candidates, then per tenant one
 * transaction under the tenant's advisory lock (another worker skips it), one read of their alerts, one of the
 * tenant's runbooks, one insert of the attachments (`on conflict do nothing`: once per runbook per incident,
 * whatever the replicas), one `runbook_attached` event per new attachment (event sinks see them) and the scans.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import type { IncidentNoticesRecorder } from '../incidents/index.js';
import { type AttachAlert, attachmentsFor } from './attach.calc.js';
import { runbooksStore } from './runbooks.store.js';

const BATCH = 100;

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

export async function attachPending(
  d: { orm: MikroORM; recordNotices: IncidentNoticesRecorder },
  now: Date,
): Promise<{ scanned: number; attached: number }> {
  const pending = await withEm(d.orm, 'system', (em) => runbooksStore.pendingScans(em, BATCH));
  const byTenant = groupBy(pending, (p) => p.tenant_id);
  let scanned = 0;
  let attached = 0;
  for (const [tenantId, incidents] of byTenant) {
    const done = await withTx(d.orm, { tenantId }, async (em) => {
      if (!(await runbooksStore.tryAttachLock(em, tenantId))) return null;
      const runbooks = await runbooksStore.list(em, tenantId);
      const alerts = runbooks.length
        ? await runbooksStore.alertsOf(
            em,
            tenantId,
            incidents.map((i) => i.id),
          )
        : [];
      const byIncident = groupBy(alerts, (a) => a.incident_id);
      const rows = incidents.flatMap((inc) =>
        attachmentsFor(inc, (byIncident.get(inc.id) ?? []) as AttachAlert[], runbooks).map((m) => ({
          incidentId: inc.id,
          runbookId: m.runbookId,
          reason: m.reason,
          version: runbooks.find((r) => r.id === m.runbookId)!.version,
        })),
      );
      const made = await runbooksStore.attach(em, tenantId, rows, now);
      const events = made.map((m) => {
        const rb = runbooks.find((r) => r.id === m.runbook_id)!;
        const row = rows.find((r) => r.incidentId === m.incident_id && r.runbookId === m.runbook_id)!;
        return {
          incidentId: m.incident_id,
          event: {
            kind: 'runbook_attached' as const,
            data: { runbookId: rb.id, slug: rb.slug, name: rb.name, version: rb.version, reason: row.reason },
          },
        };
      });
      if (events.length) await d.recordNotices(em, tenantId, events, now);
      await runbooksStore.markScanned(
        em,
        tenantId,
        incidents.map((i) => ({ incidentId: i.id, alerts: i.n })),
        now,
      );
      return events.length;
    });
    if (done === null) continue;
    scanned += incidents.length;
    attached += done;
  }
  return { scanned, attached };
}
