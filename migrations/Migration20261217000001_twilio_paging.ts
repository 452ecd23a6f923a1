import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Paging by SMS and phone call through Twilio (issue: Twilio paging).
 * - `contact_methods`: a person's phone numbers (E.164), one row per (person, type, number). `unverified` until
 *   the 6-digit code sent to it is entered (`code_hash`, 5 tries, 10 minutes) or an admin marks it verified;
 *   only `active` methods are paged. `disabled` (the person texted STOP, `disabled_reason`) and `invalid`
 *   (Twilio said the number cannot receive) are never paged either.
 * - `twilio_sends`: one SMS or call, the unit of the delivery ledger. Several pages share one when they are
 *   bundled into one SMS. `sending` with `sending_deadline` is written and committed before Twilio is called: a
 *   send still `sending` after its deadline ended without an answer, and is failed ("outcome unknown"), never
 *   sent again. `provider_sid` is Twilio's SM…/CA… id; `status` follows Twilio's status callbacks.
 * - `twilio_send_events`: every status a send went through, with Twilio's error code (the ledger's history).
 * - `pages.contact_method_id`: the method an SMS or voice rule pages; `pages.send_id`: the send that carried it;
 *   `pages.delivery`: the latest delivery status of that send for this page (delivered, no-answer…).
 * - `page_ledgers`: the thread reply under the incident's card that shows one step's notifications, edited in
 *   place as their statuses arrive.
 * - `twilio_replies`: passive (help) replies sent to a number today, at most 5 a day.
 * - the outbox's `slack.ledger` destination: the ledger's thread reply.
 */
export class Migration20261217000001_twilio_paging extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table contact_methods (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        type text not null check (type in ('sms', 'voice')),
        phone_number text not null check (phone_number ~ '^\\+[1-9][0-9]{6,14}$'),
        status text not null default 'unverified' check (status in ('unverified', 'active', 'disabled', 'invalid')),
        status_reason text,
        verified_at timestamptz,
        verified_by text,
        code_hash text,
        code_expires_at timestamptz,
        code_tries smallint not null default 0,
        code_sent_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (user_id, type, phone_number)
      );`);
    this.addSql('create index contact_methods_phone on contact_methods (phone_number);');
    this.addSql(`
      create table twilio_sends (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        contact_method_id uuid references contact_methods(id) on delete set null,
        user_id uuid references users(id) on delete set null,
        kind text not null check (kind in ('sms', 'voice')),
        purpose text not null check (purpose in ('page', 'verification', 'reply')),
        phone_number text not null,
        body text not null,
        status text not null,
        provider_sid text unique,
        error_code integer,
        error_message text,
        answered_by text,
        sending_deadline timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(
      `create index twilio_sends_throttle on twilio_sends (phone_number, created_at) where purpose = 'page';`,
    );
    this.addSql(
      `create index twilio_sends_stuck on twilio_sends (sending_deadline) where status = 'sending';`,
    );
    this.addSql(`
      create table twilio_send_events (
        id bigserial primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        send_id uuid not null references twilio_sends(id) on delete cascade,
        status text not null,
        error_code integer,
        at timestamptz not null
      );`);
    this.addSql('create index twilio_send_events_send on twilio_send_events (send_id, id);');
    this.addSql(`
      alter table pages
        add column contact_method_id uuid references contact_methods(id) on delete set null,
        add column send_id uuid references twilio_sends(id) on delete set null,
        add column delivery text,
        add column delivery_at timestamptz;`);
    this.addSql('create index pages_send on pages (send_id) where send_id is not null;');
    this.addSql(
      `create index pages_phone_queued on pages (contact_method_id) where status = 'queued' and contact_method_id is not null;`,
    );
    this.addSql(`
      create table page_ledgers (
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        generation integer not null,
        loop integer not null,
        step integer not null,
        slack_channel text not null,
        slack_ts text not null,
        created_at timestamptz not null,
        primary key (incident_id, generation, loop, step)
      );`);
    this.addSql(`
      create table twilio_replies (
        phone_number text not null,
        day date not null,
        passive smallint not null default 0,
        primary key (phone_number, day)
      );`);
    this.addSql('alter table outbox drop constraint outbox_destination_check;');
    this.addSql(`alter table outbox add constraint outbox_destination_check check (destination in ('slack.post',
      'slack.update', 'slack.reply', 'slack.ledger', 'slack.dm', 'slack.home', 'slack.usergroup', 'sms', 'voice',
      'webhook'));`);
    for (const t of ['contact_methods', 'twilio_sends', 'twilio_send_events', 'page_ledgers'])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
    this.addSql('grant usage on sequence twilio_send_events_id_seq to opswatch_tenant;');
  }

  override async down(): Promise<void> {
    this.addSql(`delete from outbox where destination = 'slack.ledger';`);
    this.addSql('alter table outbox drop constraint outbox_destination_check;');
    this.addSql(`alter table outbox add constraint outbox_destination_check check (destination in ('slack.post',
      'slack.update', 'slack.reply', 'slack.dm', 'slack.home', 'slack.usergroup', 'sms', 'voice', 'webhook'));`);
    this.addSql('drop table if exists twilio_replies cascade;');
    this.addSql('drop table if exists page_ledgers cascade;');
    this.addSql(
      'alter table pages drop column if exists delivery_at, drop column if exists delivery, drop column if exists send_id, drop column if exists contact_method_id;',
    );
    this.addSql('drop table if exists twilio_send_events cascade;');
    this.addSql('drop table if exists twilio_sends cascade;');
    this.addSql('drop table if exists contact_methods cascade;');
  }
}
