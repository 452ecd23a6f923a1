import { describe, expect, it } from '@jest/globals';
import { groupKeyFor } from '../alerts/grouping.calc.js';
import { heartbeatDedupKey, missedAlert, recoveredAlert } from './heartbeat-alert.calc.js';

const facts = {
  id: '0190f0c2-0000-7000-8000-000000000001',
  name: 'nightly-backup',
  service: 'billing-db',
  environment: 'production',
  severity: 2,
  description: 'Runs backup.sh on db-3.',
  intervalSeconds: 86_400,
  graceSeconds: 3600,
  lastPingAt: new Date('2026-03-01T02:00:00Z'),
  downSince: new Date('2026-03-02T03:00:00Z'),
};

describe('the alert of a missed heartbeat', () => {
  it('fires with the monitor’s service, severity and the deadline it missed as its start', () => {
    const a = missedAlert(facts);
    expect(a).toMatchObject({
      source: 'heartbeat',
      dedupKey: heartbeatDedupKey(facts.id),
      action: 'firing',
      title: 'Heartbeat missed: nightly-backup',
      service: 'billing-db',
      environment: 'production',
      severity: 2,
      startsAt: facts.downSince,
      endsAt: null,
      labels: { alertname: 'HeartbeatMissed', heartbeat: 'nightly-backup', service: 'billing-db' },
    });
    expect(a.description).toBe(
      'No ping for heartbeat "nightly-backup" within its interval of 1d (grace 1h); its last ping was at ' +
        '2026-03-01T02:00:00.000Z.\n\nRuns backup.sh on db-3.',
    );
  });

  it('says so when the monitor was never pinged', () => {
    expect(missedAlert({ ...facts, lastPingAt: null, description: null }).description).toBe(
      'No ping for heartbeat "nightly-backup" within its interval of 1d (grace 1h); it has never been pinged.',
    );
  });

  it('groups each monitor on its own, whatever its service shares with other alerts', () => {
    const other = { ...facts, id: '0190f0c2-0000-7000-8000-000000000002', name: 'hourly-etl' };
    expect(groupKeyFor(missedAlert(facts))).not.toBe(groupKeyFor(missedAlert(other)));
    expect(groupKeyFor(missedAlert(facts))).toBe(`heartbeat|${facts.id}`);
  });

  it('is resolved by the same dedup key, ending when the ping came', () => {
    const at = new Date('2026-03-02T05:00:00Z');
    const r = recoveredAlert(facts, at);
    expect(r).toMatchObject({ action: 'resolved', dedupKey: missedAlert(facts).dedupKey, endsAt: at });
  });
});
