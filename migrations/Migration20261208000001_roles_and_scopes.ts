import { Migration } from '@mikro-orm/migrations';

/**
 * Authorization: users may be managers (between responder and admin), and API keys carry scopes
 * (`webhooks`, `read`, `write`, `admin`). Keys that exist keep `admin`, what every key was until now;
 * new keys default to `webhooks`.
 */
export class Migration20261208000001_roles_and_scopes extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table users drop constraint users_role_check;');
    this.addSql(
      `alter table users add constraint users_role_check check (role in ('admin', 'manager', 'responder', 'viewer'));`,
    );
    this.addSql(`alter table api_keys add column scopes text[] not null default '{admin}';`);
    this.addSql(`alter table api_keys alter column scopes set default '{webhooks}';`);
    this.addSql(`alter table api_keys add constraint api_keys_scopes_check check (
      cardinality(scopes) > 0 and scopes <@ array['webhooks', 'read', 'write', 'admin']::text[]);`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table api_keys drop column scopes;');
    this.addSql(`update users set role = 'responder' where role = 'manager';`);
    this.addSql('alter table users drop constraint users_role_check;');
    this.addSql(
      `alter table users add constraint users_role_check check (role in ('admin', 'responder', 'viewer'));`,
    );
  }
}
