import { describe, expect, it } from '@jest/globals';
import type { Actor, ApiKeyScope, Role } from './actor.js';
import { operatorActor, rendererActor, systemActor } from './actor.js';
import {
  accessOf,
  allowed,
  authorize,
  leastRole,
  leastScope,
  PERMISSIONS,
  type Permission,
  ROLE_MATRIX,
  SCOPE_MATRIX,
} from './authz.js';

/**
 * The matrix as people read it. Columns: viewer, responder, manager, admin, system, renderer | webhooks, read,
 * write, admin. `Y` any, `o` own only, `.` no.
 */
const TABLE = `
incident:read            Y Y Y Y Y Y | . Y Y Y
incident:declare         . Y Y Y . . | . . Y Y
incident:acknowledge     . Y Y Y . . | . . Y Y
incident:resolve         . Y Y Y . . | . . Y Y
incident:assign          . Y Y Y . . | . . Y Y
incident:note            . Y Y Y Y . | . . Y Y
incident:escalate        . Y Y Y . . | . . Y Y
incident:role            . Y Y Y . . | . . Y Y
incident:update          . Y Y Y . . | . . Y Y
incident:follow          Y Y Y Y . . | . . Y Y
incident:merge           . Y Y Y . . | . . Y Y
alert:read               Y Y Y Y Y Y | . Y Y Y
schedule:read            Y Y Y Y Y Y | . Y Y Y
schedule:write           . . Y Y . . | . . Y Y
override:write           . o Y Y . . | . . Y Y
oncall:read              Y Y Y Y Y Y | . Y Y Y
user:read                Y Y Y Y Y Y | . Y Y Y
user:write               . . . Y . . | . . . Y
user:calendar            o o o Y . . | . . . Y
apikey:write             . . . Y . . | . . . Y
settings:read            Y Y Y Y Y . | . Y Y Y
settings:write           . . . Y . . | . . . Y
audit:read               . . Y Y . . | . Y Y Y
escalation_policy:read   Y Y Y Y Y Y | . Y Y Y
escalation_policy:write  . . Y Y . . | . . Y Y
service:read             Y Y Y Y Y Y | . Y Y Y
service:write            . . Y Y . . | . . Y Y
notification_rule:read   Y Y Y Y Y . | . Y Y Y
notification_rule:write  . o Y Y . . | . . Y Y
contact_method:read      o o Y Y . . | . Y Y Y
contact_method:write     . o Y Y . . | . . Y Y
contact_method:verify    . . . Y . . | . . . Y
heartbeat:read           Y Y Y Y Y . | . Y Y Y
heartbeat:write          . . Y Y . . | . . Y Y
postmortem:read          Y Y Y Y Y Y | . Y Y Y
postmortem:write         . Y Y Y . . | . . Y Y
postmortem:publish       . o Y Y . . | . . Y Y
webhook:send             . . . Y . . | Y . . Y
silence:read             Y Y Y Y Y Y | . Y Y Y
silence:write            . Y Y Y . . | . . Y Y
maintenance:write        . . Y Y . . | . . Y Y
kb:read                  Y Y Y Y Y Y | . Y Y Y
kb:write                 . Y Y Y . . | . . Y Y
telemetry:read           Y Y Y Y Y . | . Y Y Y
telemetry:write          . . . Y . . | Y . Y Y
runbook:read             Y Y Y Y Y Y | . Y Y Y
runbook:write            . . Y Y . . | . . Y Y
runbook:run              . Y Y Y . . | . . Y Y
runbook:approve          . Y Y Y . . | . . Y Y
sla:read                 Y Y Y Y Y Y | . Y Y Y
sla:write                . . Y Y . . | . . Y Y
`;

const ROLES: Role[] = ['viewer', 'responder', 'manager', 'admin', 'system', 'renderer'];
const SCOPES: ApiKeyScope[] = ['webhooks', 'read', 'write', 'admin'];
const cell = (a: 'any' | 'own' | undefined) => (a === 'any' ? 'Y' : a === 'own' ? 'o' : '.');

const user = (role: Role, id = 'u-1'): Actor => ({
  tenantId: 't-1',
  kind: 'user',
  id,
  name: 'Pat',
  roles: [role],
  source: 'slack',
});
const key = (...scopes: ApiKeyScope[]): Actor => ({
  tenantId: 't-1',
  kind: 'api_key',
  id: 'k-1',
  name: 'API key "ci"',
  roles: [],
  scopes,
  source: 'http',
});

describe('the permission matrix', () => {
  const rows = TABLE.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

  it('lists every permission once, in the table people read', () => {
    expect(rows.map((r) => r[0])).toEqual([...PERMISSIONS]);
  });

  const cases: [Permission, string][] = rows.map((r) => [r[0] as Permission, r.slice(1).join(' ')]);
  it.each(cases)('%s: %s', (permission, expected) => {
    const roles = ROLES.map((r) => cell(ROLE_MATRIX[r][permission])).join(' ');
    const scopes = SCOPES.map((s) => cell(SCOPE_MATRIX[s][permission])).join(' ');
    expect(`${roles} | ${scopes}`).toBe(expected);
  });

  it('each role includes the one below it, and so does each scope (webhooks aside)', () => {
    const below = (a: Role, b: Role) =>
      PERMISSIONS.filter((p) => ROLE_MATRIX[a][p] && ROLE_MATRIX[a][p] !== 'own').every(
        (p) => ROLE_MATRIX[b][p] === 'any',
      );
    expect(below('viewer', 'responder')).toBe(true);
    expect(below('responder', 'manager')).toBe(true);
    expect(below('manager', 'admin')).toBe(true);
    const within = (a: ApiKeyScope, b: ApiKeyScope) =>
      PERMISSIONS.filter((p) => SCOPE_MATRIX[a][p]).every((p) => SCOPE_MATRIX[b][p] === 'any');
    expect(within('read', 'write')).toBe(true);
    expect(within('write', 'admin')).toBe(true);
    expect(within('webhooks', 'admin')).toBe(true);
  });

  it('names the least role and scope for each permission', () => {
    expect(leastRole('incident:acknowledge')).toBe('responder');
    expect(leastRole('schedule:write')).toBe('manager');
    expect(leastRole('override:write')).toBe('manager');
    expect(leastRole('user:write')).toBe('admin');
    expect(leastScope('incident:read')).toBe('read');
    expect(leastScope('webhook:send')).toBe('webhooks');
    expect(leastScope('apikey:write')).toBe('admin');
  });
});

describe('authorize', () => {
  it('lets a role do what the matrix says and nothing else', () => {
    expect(allowed(user('viewer'), 'incident:read')).toBe(true);
    expect(allowed(user('viewer'), 'incident:acknowledge')).toBe(false);
    expect(allowed(user('responder'), 'incident:acknowledge')).toBe(true);
    expect(allowed(user('responder'), 'schedule:write')).toBe(false);
    expect(allowed(user('manager'), 'audit:read')).toBe(true);
    expect(allowed(user('manager'), 'user:write')).toBe(false);
    expect(allowed(user('admin'), 'apikey:write')).toBe(true);
  });

  it('applies own-only grants to what the actor owns', () => {
    const pat = user('responder', 'pat');
    expect(allowed(pat, 'override:write', { owners: ['pat', null] })).toBe(true);
    expect(allowed(pat, 'override:write', { owners: ['kim', 'pat'] })).toBe(true);
    expect(allowed(pat, 'override:write', { owners: ['kim', 'lee'] })).toBe(false);
    expect(allowed(pat, 'override:write')).toBe(false);
    expect(allowed(user('manager'), 'override:write', { owners: ['kim'] })).toBe(true);
    expect(allowed(user('viewer', 'pat'), 'user:calendar', { owners: ['pat'] })).toBe(true);
    expect(allowed(user('viewer', 'pat'), 'user:calendar', { owners: ['kim'] })).toBe(false);
    // An API key owns nothing: own-only grants never apply to it.
    expect(accessOf(key('write'), 'user:calendar')).toBe(null);
  });

  it('gives API keys what their scopes allow, together', () => {
    expect(allowed(key('webhooks'), 'webhook:send')).toBe(true);
    expect(allowed(key('webhooks'), 'incident:read')).toBe(false);
    expect(allowed(key('read'), 'audit:read')).toBe(true);
    expect(allowed(key('read'), 'incident:resolve')).toBe(false);
    expect(allowed(key('webhooks', 'read'), 'incident:read')).toBe(true);
    expect(allowed(key('write'), 'settings:write')).toBe(false);
    expect(allowed(key(), 'incident:read')).toBe(false);
  });

  it('gives OpsWatch’s own actors their entries, and the operator at the CLI admin', () => {
    expect(allowed(rendererActor('t-1'), 'incident:read')).toBe(true);
    expect(allowed(rendererActor('t-1'), 'incident:acknowledge')).toBe(false);
    expect(allowed(systemActor('t-1'), 'incident:note')).toBe(true);
    expect(allowed(systemActor('t-1'), 'apikey:write')).toBe(false);
    expect(allowed(operatorActor('t-1', 'opswatch CLI'), 'apikey:write')).toBe(true);
  });

  it('refuses with a message naming the role or scope it takes', () => {
    expect(() => authorize(user('viewer'), 'incident:acknowledge')).toThrow(
      'You need the responder role to acknowledge incidents; you are a viewer.',
    );
    expect(() => authorize(user('responder'), 'schedule:write')).toThrow(
      'You need the manager role to change on-call schedules; you are a responder.',
    );
    expect(() => authorize(user('responder', 'pat'), 'override:write', { owners: ['kim'] })).toThrow(
      'As a responder you may only add or remove overrides in which you cover or hand over a shift; any other override takes the manager role.',
    );
    expect(() => authorize(user('viewer', 'pat'), 'override:write', { owners: ['pat'] })).toThrow(
      'You need the responder role to add or remove overrides in which you cover or hand over a shift (any other override takes the manager role); you are a viewer.',
    );
    expect(() => authorize(key('webhooks'), 'incident:read')).toThrow(
      'This API key has the webhooks scope; to read incidents it needs the read scope.',
    );
    expect(() => authorize(key('read', 'write'), 'apikey:write')).toThrow(
      'This API key has the read, write scopes; to create API keys it needs the admin scope.',
    );
    try {
      authorize(rendererActor('t-1'), 'incident:resolve');
    } catch (err) {
      expect(err).toMatchObject({
        code: 'forbidden',
        message: 'OpsWatch (renderer) may not resolve incidents.',
      });
    }
    expect.assertions(7);
  });
});
