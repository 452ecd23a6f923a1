import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withPgTx } from '../src/db/tx.js';
import type {
  AlertGroupChange,
  GroupOutcome,
  IngestPolicy,
  NewAlertInGroup,
} from '../src/domains/incidents/index.js';
import { newId } from '../src/shared/ids.js';
import { startTestApp, type TestApp } from './harness/app.js';

/**
 * The incidents' ingest port on its own, the way the alerts domain drives it inside an ingest transaction:
 * lock the groups, then say what the alerts did, and read back, per change, what happened to its incident.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const policy: IngestPolicy = { autoResolve: true, retriggerAfterAckMinutes: 0 };
const alert = (title: string, severity: number): NewAlertInGroup => ({
  id: newId(),
  title,
  description: null,
  service: 'checkout',
  environment: 'production',
  severity,
});
const fired = (groupKey: string, ...alerts: NewAlertInGroup[]): AlertGroupChange => ({
  kind: 'fired',
  groupKey,
  source: 'generic',
  policy,
  alerts,
});

/** One ingest transaction: lock `groupKeys`, apply `changes`; the open incidents seen and the outcomes. */
async function ingest(groupKeys: string[], changes: AlertGroupChange[]) {
  const port = t.services.incidents.ingestPort;
  const { open, applied } = await withPgTx(t.orm, { tenantId: t.actor.tenantId }, async (tx) => {
    const groups = await port.lockGroups(tx, t.actor.tenantId, groupKeys);
    const open = groupKeys.map((k) => groups.open(k)?.number ?? null);
    return { open, applied: await port.apply(tx, t.actor, groups, changes, t.clock.now()) };
  });
  // The numbers of the incidents opened arrive with the COMMIT.
  await applied.numbered;
  const outcomes: GroupOutcome[] = applied.outcomes;
  return { open, outcomes };
}

const incident = (id: string) =>
  t.sql<{ status: string; severity: number }>('select status, severity from incidents where id = ?', [id]);

describe('the incidents ingest port', () => {
  let id = '';
  let number = 0;

  it('opens an incident for a group with none open, and says so', async () => {
    const { open, outcomes } = await ingest(['port-a'], [fired('port-a', alert('Disk full', 3))]);
    expect(open).toEqual([null]);
    expect(outcomes).toEqual([
      {
        kind: 'fired',
        incident: { id: expect.any(String), number: 1 },
        created: true,
        retriggered: false,
      },
    ]);
    const out = outcomes[0]!;
    if (out.kind !== 'fired') throw new Error('expected a fired outcome');
    ({ id, number } = out.incident);
    expect(await incident(id)).toEqual([{ status: 'triggered', severity: 3 }]);
  });

  it('joins the open incident of the group, raising its severity, and answers per change in order', async () => {
    const { open, outcomes } = await ingest(
      ['port-a', 'port-b'],
      [fired('port-b', alert('Queue stuck', 4)), fired('port-a', alert('Disk full again', 2))],
    );
    expect(open).toEqual([number, null]);
    expect(outcomes[0]).toMatchObject({ kind: 'fired', created: true });
    expect(outcomes[1]).toEqual({
      kind: 'fired',
      incident: { id, number },
      created: false,
      retriggered: false,
    });
    expect(await incident(id)).toEqual([{ status: 'triggered', severity: 2 }]);
  });

  it('acknowledges a triggered incident once', async () => {
    const { outcomes } = await ingest(
      ['port-a'],
      [
        { kind: 'acknowledged', incidentId: id },
        { kind: 'acknowledged', incidentId: id },
      ],
    );
    expect(outcomes).toEqual([
      { kind: 'acknowledged', incidentId: id, acknowledged: true },
      { kind: 'acknowledged', incidentId: id, acknowledged: false },
    ]);
  });

  it('re-triggers an acknowledged incident when a new alert joins it after the policy window', async () => {
    const { outcomes } = await ingest(['port-a'], [fired('port-a', alert('Disk full, third', 3))]);
    expect(outcomes).toEqual([
      { kind: 'fired', incident: { id, number }, created: false, retriggered: true },
    ]);
    expect(await incident(id)).toEqual([{ status: 'triggered', severity: 2 }]);
  });

  it('resolves the incident only when none of its alerts still fire', async () => {
    const still = await ingest(
      ['port-a'],
      [{ kind: 'resolved', incidentId: id, titles: ['Disk full'], stillFiring: 2 }],
    );
    expect(still.outcomes).toEqual([{ kind: 'resolved', incidentId: id, resolved: false }]);
    const last = await ingest(
      ['port-a'],
      [{ kind: 'resolved', incidentId: id, titles: ['Disk full again'], stillFiring: 0 }],
    );
    expect(last.outcomes).toEqual([{ kind: 'resolved', incidentId: id, resolved: true }]);
    expect(await incident(id)).toEqual([{ status: 'resolved', severity: 2 }]);
    const kinds = await t.sql<{ kind: string }>(
      `select kind from timeline_entries where incident_id = ? and kind not like 'notification%'
         and kind not like 'escalation%' order by id`,
      [id],
    );
    expect(kinds.map((k) => k.kind)).toEqual([
      'created',
      'alert_fired',
      'alert_fired',
      'severity_changed',
      'acknowledged',
      'alert_fired',
      'retriggered',
      'alert_resolved',
      'alert_resolved',
      'resolved',
    ]);
  });

  it('opens the incidents of several new groups in one go, numbered in group key order', async () => {
    const { outcomes } = await ingest(
      ['port-e', 'port-d'],
      [fired('port-e', alert('Cache cold', 3)), fired('port-d', alert('Queue deep', 3))],
    );
    const refs = outcomes.map((o) => (o.kind === 'fired' && o.created ? o.incident : null));
    const [e, d] = refs;
    if (!e || !d) throw new Error('expected two opened incidents');
    expect(e.number).toBe(d.number + 1);
    const stored = await t.sql<{ id: string; number: number; group_key: string }>(
      `select id::text as id, number, group_key from incidents where group_key in ('port-d', 'port-e')
       order by group_key`,
    );
    expect(stored).toEqual([
      { id: d.id, number: d.number, group_key: 'port-d' },
      { id: e.id, number: e.number, group_key: 'port-e' },
    ]);
  });

  it('refuses groups another tenant locked', async () => {
    const port = t.services.incidents.ingestPort;
    await expect(
      withPgTx(t.orm, { tenantId: t.actor.tenantId }, async (tx) => {
        const groups = await port.lockGroups(tx, t.actor.tenantId, ['port-c']);
        const other = { ...t.actor, tenantId: newId() };
        return port.apply(tx, other, groups, [fired('port-c', alert('x', 3))], t.clock.now());
      }),
    ).rejects.toThrow(/lockGroups/);
  });
});
