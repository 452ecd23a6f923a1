import { describe, expect, it } from '@jest/globals';
import type { HeaderBlock } from '@slack/types';
import { type HeartbeatView, heartbeatEntry, heartbeatList } from './heartbeats.blocks.js';
import { checkLimits, describeViolation } from './limits.js';
import { FIXED_NOW } from './view-fixtures.js';

const opts = { now: FIXED_NOW, baseUrl: 'https://opswatch.example.com', timeZone: 'Europe/London' };
const at = (iso: string) => new Date(iso);

const backup: HeartbeatView = {
  name: 'nightly-backup',
  service: 'billing-db',
  state: 'up',
  intervalSeconds: 86_400,
  graceSeconds: 3600,
  lastPingAt: at('2026-01-05T02:00:00Z'),
  nextDueAt: at('2026-01-06T02:00:00Z'),
  downSince: null,
};
const watchdog: HeartbeatView = {
  name: 'alertmanager-watchdog',
  service: 'monitoring',
  state: 'down',
  intervalSeconds: 300,
  graceSeconds: 300,
  lastPingAt: at('2026-01-05T08:40:00Z'),
  nextDueAt: at('2026-01-05T08:45:00Z'),
  downSince: at('2026-01-05T08:50:00Z'),
};
const late: HeartbeatView = { ...backup, name: 'etl', state: 'late', nextDueAt: at('2026-01-05T08:55:00Z') };
const paused: HeartbeatView = {
  ...backup,
  name: 'old-cron',
  state: 'paused',
  nextDueAt: null,
  lastPingAt: null,
};

describe('heartbeatEntry', () => {
  it('says the state, timing, last ping and what is next', () => {
    expect(heartbeatEntry(backup, opts)).toBe(
      ':large_green_circle: *nightly-backup* · Up · billing-db\n' +
        'every 1d, grace 1h · last ping <!date^1767578400^{date_short_pretty} {time}|2026-01-05 02:00 +00:00> ' +
        '(7h ago) · next due <!date^1767664800^{date_short_pretty} {time}|2026-01-06 02:00 +00:00>',
    );
  });
  it('a monitor down says since when, and that a ping resolves it', () => {
    const t = heartbeatEntry(watchdog, opts);
    expect(t).toContain(':red_circle: *alertmanager-watchdog* · Down · monitoring');
    expect(t).toContain('down since <!date^1767603000^');
    expect(t).toContain('the next ping resolves its incident');
  });
  it('late says when it was due; paused and never pinged say so', () => {
    expect(heartbeatEntry(late, opts)).toContain('· was due <!date^');
    expect(heartbeatEntry(paused, opts)).toContain('never pinged · not watched until pinged or resumed');
  });
});

describe('heartbeatList', () => {
  it('counts what is down or late and lists those first', () => {
    const msg = heartbeatList([backup, paused, late, watchdog], opts);
    expect((msg.blocks[0] as HeaderBlock).text.text).toBe('Heartbeats (4)');
    expect(msg.text).toBe('Heartbeats (4): 1 down, 1 late');
    const t = JSON.stringify(msg.blocks);
    expect(t).toContain(':red_circle: 1 down · :large_orange_circle: 1 late');
    const order = ['alertmanager-watchdog', 'etl', 'nightly-backup', 'old-cron'].map((n) =>
      t.indexOf(`*${n}*`),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(checkLimits('message', msg)).toEqual([]);
  });
  it('says when all are up, and what to do when there are none', () => {
    expect(heartbeatList([backup], opts).text).toBe('Heartbeats (1): all up');
    const none = heartbeatList([], opts);
    expect(none.text).toBe('No heartbeat monitors yet.');
    expect(JSON.stringify(none.blocks)).toContain('POST /api/v1/heartbeats');
  });
  it('stays within Slack’s limits with thousands of long-named monitors', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...watchdog,
      name: `${'x'.repeat(300)}-${i}`,
      service: 's'.repeat(500),
    }));
    const msg = heartbeatList(many, opts);
    expect(checkLimits('message', msg).map(describeViolation)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toContain('more monitors');
  });
});
