import { Migration } from '@mikro-orm/migrations';
import { typedEventDataSql } from './typed-event-data.js';

/**
 * Timeline entries become typed events: each row's data is converted to its kind's shape
 * (src/domains/incidents/timeline.types.ts), and `message` is no longer written — what people read is rendered
 * from the data. Rows keep the message they had (a row of a kind OpsWatch no longer knows still shows it).
 */
export class Migration20261215000001_typed_timeline extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table timeline_entries alter column message drop not null;');
    this.addSql(`
      update timeline_entries t set data = ${typedEventDataSql({
        kind: 't.kind',
        message: 't.message',
        data: 't.data',
        incident: { title: 'i.title', service: 'i.service', severity: 'i.severity', source: 'i.source' },
        userName:
          "(select u.name from users u where u.tenant_id = t.tenant_id and u.id::text = t.data->>'userId')",
      })}
      from incidents i where i.id = t.incident_id and t.message is not null;`);
  }

  override async down(): Promise<void> {
    // The data stays typed (the code before read it loosely); rows written since have no message: their kind.
    this.addSql(`update timeline_entries set message = replace(kind, '_', ' ') where message is null;`);
    this.addSql('alter table timeline_entries alter column message set not null;');
  }
}
