import { Migration } from '@mikro-orm/migrations';
import { typedEventDataSql } from './typed-event-data.js';

const DESTINATIONS = [
  'slack.post',
  'slack.update',
  'slack.reply',
  'slack.dm',
  'slack.home',
  'slack.usergroup',
  'sms',
  'voice',
  'webhook',
];
const list = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * The outbox becomes destination-neutral: each row has a typed destination (checked against the known set,
 * room for SMS, voice and webhooks) and a lane (whom it goes to: what holds and ordering apply to), instead of a
 * Slack kind and channel; payloads take their destination's shape (a thread reply carries a typed event).
 * Rows no process delivers can now expire (status `expired`).
 */
export class Migration20261215000002_outbox_destinations extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox add column destination text, add column lane text;');
    this.addSql(`
      update outbox set lane = channel, destination = case kind
        when 'post_card' then 'slack.post' when 'handoff_post' then 'slack.post'
        when 'update_card' then 'slack.update' when 'thread_reply' then 'slack.reply'
        when 'dm' then 'slack.dm' when 'handoff_dm' then 'slack.dm'
        when 'publish_home' then 'slack.home' when 'usergroup_update' then 'slack.usergroup' end;`);
    this.addSql(`
      update outbox o set payload = case o.kind
        when 'post_card' then '{"type": "incident_card"}'::jsonb
        when 'update_card' then '{"type": "incident_card"}'::jsonb
        when 'handoff_post' then o.payload || '{"type": "handoff"}'::jsonb
        when 'handoff_dm' then o.payload || '{"type": "handoff"}'::jsonb
        when 'dm' then jsonb_build_object('type', 'message', 'text', coalesce(o.payload->>'text', ''))
          || case when o.payload ? 'blocks' then jsonb_build_object('blocks', o.payload->'blocks') else '{}'::jsonb end
        when 'thread_reply' then jsonb_build_object(
          'event', jsonb_build_object('kind', o.payload->>'kind', 'data', ${typedEventDataSql({
            kind: "(o.payload->>'kind')",
            message: "coalesce(o.payload->>'message', '')",
            data: "'{}'::jsonb",
            incident: { title: 'i.title', service: 'i.service', severity: 'i.severity', source: 'i.source' },
            userName: 'null',
          })}),
          'actorName', coalesce(o.payload->>'actorName', 'OpsWatch'), 'actorSlackId', o.payload->'actorSlackId',
          'at', coalesce(o.payload->>'at', to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))
        else o.payload end
      from (select o2.id, i.title, i.service, i.severity, i.source from outbox o2
            left join incidents i on i.id = o2.incident_id) i
      where i.id = o.id;`);
    this.addSql('alter table outbox alter column destination set not null, alter column lane set not null;');
    // Their indexes (outbox_due, outbox_incident) and the kind check go with the columns.
    this.addSql('alter table outbox drop column kind, drop column channel;');
    this.addSql(
      `alter table outbox add constraint outbox_destination_check check (destination in (${list(DESTINATIONS)}));`,
    );
    this.addSql('alter table outbox drop constraint outbox_status_check;');
    this.addSql(`alter table outbox add constraint outbox_status_check
      check (status in ('pending', 'sent', 'failed', 'skipped', 'expired'));`);
    this.addSql(`create index outbox_due on outbox (next_attempt_at, lane) where status = 'pending';`);
    this.addSql('create index outbox_incident on outbox (incident_id, destination, lane);');
    this.addSql(
      `create index outbox_pending_age on outbox (destination, created_at) where status = 'pending';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox add column kind text, add column channel text;');
    this.addSql(`
      update outbox set channel = lane, kind = case destination
        when 'slack.post' then case when incident_id is null then 'handoff_post' else 'post_card' end
        when 'slack.update' then 'update_card' when 'slack.reply' then 'thread_reply'
        when 'slack.dm' then case when payload->>'type' = 'handoff' then 'handoff_dm' else 'dm' end
        when 'slack.home' then 'publish_home' when 'slack.usergroup' then 'usergroup_update' end;`);
    this.addSql(`
      update outbox set payload = jsonb_build_object('kind', payload->'event'->>'kind',
        'message', replace(payload->'event'->>'kind', '_', ' '), 'actorName', payload->>'actorName',
        'actorSlackId', payload->'actorSlackId', 'at', payload->>'at')
      where kind = 'thread_reply';`);
    this.addSql(`delete from outbox where kind is null;`);
    this.addSql(`update outbox set status = 'skipped' where status = 'expired';`);
    this.addSql('alter table outbox alter column kind set not null, alter column channel set not null;');
    this.addSql('drop index if exists outbox_pending_age;');
    this.addSql('alter table outbox drop column destination, drop column lane;');
    this.addSql('alter table outbox drop constraint outbox_status_check;');
    this.addSql(`alter table outbox add constraint outbox_status_check
      check (status in ('pending', 'sent', 'failed', 'skipped'));`);
    this.addSql(`alter table outbox add constraint outbox_kind_check check (kind in
      ('post_card', 'update_card', 'thread_reply', 'dm', 'publish_home', 'handoff_post', 'handoff_dm', 'usergroup_update'));`);
    this.addSql(`create index outbox_due on outbox (next_attempt_at, channel) where status = 'pending';`);
    this.addSql('create index outbox_incident on outbox (incident_id, kind, channel);');
  }
}
