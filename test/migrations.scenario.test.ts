/**
 * The typed-events and outbox-destinations migrations on a database written by the version before them: timeline
 * rows of every kind OpsWatch wrote, and outbox rows of every kind, pending and sent, converted in place.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, type Orm, openOrm } from '../src/db/orm.js';
import {
  describeEvent,
  eventDetail,
  parseTimelineEvent,
  type TimelineEvent,
} from '../src/domains/incidents/index.js';
import { type Destination, PAYLOADS } from '../src/domains/notify/index.js';
import { adminQuery, withDatabase } from './harness/pg-admin.js';

const BEFORE = 'Migration20261208000002_row_level_security';
const server = process.env.TEST_DATABASE_URL ?? '';
const name = `ow_mig_${randomBytes(4).toString('hex')}`;
let orm: Orm;

const T = '00000000-0000-4000-8000-000000000001';
const AUTO = '00000000-0000-4000-8000-000000000010';
const MANUAL = '00000000-0000-4000-8000-000000000011';
const BOB = '00000000-0000-4000-8000-000000000020';

const sql = async <R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> =>
  (await orm.em.fork().getConnection().execute(text, params)) as R[];

/** Old timeline rows: kind, message, data — as the code before typed events wrote them. */
const OLD_TIMELINE: [string, string, string, Record<string, unknown>][] = [
  [AUTO, 'created', 'INC-1 opened by Alertmanager: Disk almost full', {}],
  [AUTO, 'alert_fired', 'Alert fired: DiskFull', { alertId: 'a-1', severity: 2 }],
  [AUTO, 'alert_fired', '25 alerts fired, including: A; B; C', { alertIds: ['a-2', 'a-3'], count: 25 }],
  [AUTO, 'severity_changed', 'Severity raised from P3 to P2 by a new alert', { from: 3, to: 2 }],
  [AUTO, 'alert_resolved', 'Alert resolved: DiskFull', {}],
  [AUTO, 'alert_resolved', '30 alerts resolved', { count: 30 }],
  [AUTO, 'acknowledged', 'INC-1 acknowledged by Alice', { endedAlerts: 0 }],
  [AUTO, 'assigned', 'INC-1 assigned to Bob Jones by Alice', { userId: BOB }],
  [AUTO, 'note', 'checked the disks', {}],
  [AUTO, 'retriggered', 'INC-1 re-triggered by Alertmanager', { endedAlerts: 0 }],
  [
    AUTO,
    'resolved',
    'INC-1 resolved by Alice: all alerts resolved',
    { note: 'all alerts resolved', endedAlerts: 2 },
  ],
  [
    AUTO,
    'notification_failed',
    'Slack card update in #payments failed: is_archived',
    { channel: 'payments', reason: 'is_archived', outboxId: '7' },
  ],
  [MANUAL, 'created', 'INC-2 declared by Alice: Checkout slow', {}],
];

/** Old outbox rows: kind, channel, payload, status. */
const OLD_OUTBOX: [string | null, string, string, Record<string, unknown>, string][] = [
  [AUTO, 'post_card', 'payments', {}, 'sent'],
  [AUTO, 'update_card', 'payments', {}, 'pending'],
  [
    AUTO,
    'thread_reply',
    'payments',
    {
      kind: 'note',
      message: 'checked the disks',
      actorName: 'Alice',
      actorSlackId: 'U0ALICE',
      at: '2026-03-02T09:00:00.000Z',
    },
    'pending',
  ],
  [
    AUTO,
    'thread_reply',
    'payments',
    {
      kind: 'alert_fired',
      message: 'Alert fired: DiskFull',
      actorName: 'Alertmanager',
      actorSlackId: null,
      at: '2026-03-02T09:00:00.000Z',
    },
    'pending',
  ],
  [null, 'dm', 'U0BOB', { text: 'hello' }, 'pending'],
  [null, 'publish_home', 'U0ALICE', {}, 'pending'],
  [
    null,
    'handoff_post',
    'payments-oncall',
    {
      tenantId: T,
      scheduleId: 's1',
      scheduleName: 'Payments',
      timeZone: 'Europe/Berlin',
      kind: 'handoff',
      at: '2026-03-03T08:00:00.000Z',
      until: null,
      from: null,
      to: { id: BOB, name: 'Bob Jones', slackUserId: 'U0BOB', timeZone: 'UTC' },
      onCallSlackIds: ['U0BOB'],
      slackChannel: '#payments-oncall',
      slackUserGroup: null,
    },
    'pending',
  ],
  [
    null,
    'usergroup_update',
    'S0PAY',
    { users: ['U0BOB'], scheduleId: 's1', scheduleName: 'Payments' },
    'pending',
  ],
];

beforeAll(async () => {
  await adminQuery(server, `create database ${name}`);
  orm = await openOrm({ url: withDatabase(server, name), poolMax: 2 });
  await orm.migrator.up({ to: BEFORE });
  await sql(`insert into tenants (id, slug, name, settings) values (?, 'default', 'Default', ?::jsonb)`, [
    T,
    JSON.stringify({
      slack: { routes: { payments: 'payments-oncall', checkout: 'C0123CHECKOUT' }, teamName: 'Acme' },
      ingestion: { retriggerAfterAckMinutes: 30 },
    }),
  ]);
  await sql(`insert into users (id, tenant_id, name) values (?, ?, 'Bob Jones')`, [BOB, T]);
  for (const [id, n, title, source] of [
    [AUTO, 1, 'Disk almost full', 'alertmanager'],
    [MANUAL, 2, 'Checkout slow', 'manual'],
  ] as const)
    await sql(
      `insert into incidents (id, tenant_id, number, title, service, environment, severity, status, source,
         created_at, updated_at) values (?, ?, ?, ?, 'payments', 'production', 2, 'triggered', ?, now(), now())`,
      [id, T, n, title, source],
    );
  for (const [incident, kind, message, data] of OLD_TIMELINE)
    await sql(
      `insert into timeline_entries (tenant_id, incident_id, kind, actor_kind, actor_name, message, data, created_at)
       values (?, ?, ?, 'system', 'Alice', ?, ?::jsonb, now())`,
      [T, incident, kind, message, JSON.stringify(data)],
    );
  for (const [i, [incident, kind, channel, payload, status]] of OLD_OUTBOX.entries())
    await sql(
      `insert into outbox (tenant_id, incident_id, kind, channel, payload, idempotency_key, status, next_attempt_at,
         created_at) values (?, ?, ?, ?, ?::jsonb, ?, ?, now(), now())`,
      [T, incident, kind, channel, JSON.stringify(payload), `old:${i}`, status],
    );
  await migrate(orm);
});

afterAll(async () => {
  await orm?.close(true);
  await adminQuery(server, `drop database if exists ${name} with (force)`);
});

describe('migrating a database with rows from before typed events and destinations', () => {
  it('turns every old timeline row into a typed event that renders as it read before', async () => {
    const rows = await sql<{ incident_id: string; kind: string; data: unknown }>(
      'select incident_id, kind, data from timeline_entries order by id',
    );
    const events = rows.map((r) => parseTimelineEvent(r.kind, r.data));
    expect(events.every((e) => e !== null)).toBe(true);
    const rendered = (events as TimelineEvent[]).map((e, i) =>
      describeEvent(e, { ref: rows[i]?.incident_id === AUTO ? 'INC-1' : 'INC-2', actorName: 'Alice' }),
    );
    expect(rendered).toEqual([
      'INC-1 opened by Alice: Disk almost full',
      'Alert fired: DiskFull',
      '25 alerts fired, including: A; B; C',
      'Severity raised from P3 to P2 by a new alert',
      'Alert resolved: DiskFull',
      '30 alerts resolved',
      'INC-1 acknowledged by Alice',
      'INC-1 assigned to Bob Jones by Alice',
      'checked the disks',
      'INC-1 re-triggered by Alice',
      'INC-1 resolved by Alice: all alerts resolved',
      'Slack card update in #payments failed: is_archived',
      'INC-2 declared by Alice: Checkout slow',
    ]);
    expect(events[0]).toEqual({
      kind: 'created',
      data: { verb: 'opened', title: 'Disk almost full', service: 'payments', severity: 2 },
    });
    expect(events[2]?.data).toMatchObject({ count: 25, titles: ['A', 'B', 'C'], alertIds: ['a-2', 'a-3'] });
    expect(events[7]?.data).toEqual({ userId: BOB, userName: 'Bob Jones' });
  });

  it('gives every old outbox row a destination, a lane and a payload of its destination', async () => {
    const rows = await sql<{ destination: Destination; lane: string; payload: unknown; status: string }>(
      'select destination, lane, payload, status from outbox order by id',
    );
    expect(rows.map((r) => `${r.destination} ${r.lane} ${r.status}`)).toEqual([
      'slack.post payments sent',
      'slack.update payments pending',
      'slack.reply payments pending',
      'slack.reply payments pending',
      'slack.dm U0BOB pending',
      'slack.home U0ALICE pending',
      'slack.post payments-oncall pending',
      'slack.usergroup S0PAY pending',
    ]);
    for (const r of rows) expect(PAYLOADS[r.destination].safeParse(r.payload).success).toBe(true);
    const reply = PAYLOADS['slack.reply'].parse(rows[2]?.payload);
    expect(reply).toMatchObject({ actorName: 'Alice', actorSlackId: 'U0ALICE' });
    expect(eventDetail(reply.event)).toBe('checked the disks');
    expect(eventDetail(PAYLOADS['slack.reply'].parse(rows[3]?.payload).event)).toBe('Alert fired: DiskFull');
    expect(PAYLOADS['slack.post'].parse(rows[6]?.payload)).toMatchObject({
      type: 'handoff',
      scheduleName: 'Payments',
    });
  });

  it('checks destinations against the known set, and lets rows expire', async () => {
    const cols = await sql<{ column_name: string }>(
      `select column_name from information_schema.columns where table_name = 'outbox' order by column_name`,
    );
    expect(cols.map((c) => c.column_name)).not.toContain('kind');
    await expect(
      sql(
        `insert into outbox (tenant_id, destination, lane, idempotency_key, next_attempt_at, created_at)
           values (?, 'pigeon', 'x', 'bad', now(), now())`,
        [T],
      ),
    ).rejects.toThrow(/outbox_destination_check/);
    await sql(`update outbox set status = 'expired' where destination = 'slack.home'`);
  });
});

describe('migrating a tenant whose Slack routes were in its settings', () => {
  it('makes each route a service with that channel and no policy, and takes the routes out of the settings', async () => {
    expect(
      await sql(
        'select name, slack_channel, escalation_policy_id from services where tenant_id = ? order by name',
        [T],
      ),
    ).toEqual([
      { name: 'checkout', slack_channel: 'C0123CHECKOUT', escalation_policy_id: null },
      { name: 'payments', slack_channel: 'payments-oncall', escalation_policy_id: null },
    ]);
    const [tenant] = await sql<{ settings: Record<string, unknown> }>(
      'select settings from tenants where id = ?',
      [T],
    );
    expect(tenant?.settings).toEqual({
      slack: { teamName: 'Acme' },
      ingestion: { retriggerAfterAckMinutes: 30 },
    });
  });
});
