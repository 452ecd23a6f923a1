import { Migration } from '@mikro-orm/migrations';

/**
 * Handoffs: how far each schedule has been checked for handoffs, the handoffs found (one row per schedule and
 * instant, so a handoff is announced once however many workers look), and the outbox kinds that announce them.
 */
export class Migration20261201000001_handoffs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table schedule_handoff_cursors (
        schedule_id uuid primary key references schedules(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        checked_until timestamptz not null,
        synced_user_group text
      );`);
    this.addSql(`
      create table schedule_handoffs (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        schedule_id uuid not null references schedules(id) on delete cascade,
        at timestamptz not null,
        from_user_id text,
        to_user_id text,
        until timestamptz,
        announced boolean not null,
        created_at timestamptz not null,
        unique (schedule_id, at)
      );`);
    this.addSql('alter table outbox drop constraint outbox_kind_check;');
    this.addSql(`alter table outbox add constraint outbox_kind_check check (kind in
      ('post_card', 'update_card', 'thread_reply', 'dm', 'publish_home', 'handoff_post', 'handoff_dm', 'usergroup_update'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from outbox where kind in ('handoff_post', 'handoff_dm', 'usergroup_update');`);
    this.addSql('alter table outbox drop constraint outbox_kind_check;');
    this.addSql(`alter table outbox add constraint outbox_kind_check check (kind in
      ('post_card', 'update_card', 'thread_reply', 'dm', 'publish_home'));`);
    for (const t of ['schedule_handoffs', 'schedule_handoff_cursors'])
      this.addSql(`drop table if exists ${t} cascade;`);
  }
}
