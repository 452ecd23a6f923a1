import {
  type Actor,
  API_KEY_SCOPES,
  type ApiKeyScope,
  type Role,
  USER_ROLES,
  type UserRole,
} from './actor.js';
import { AppError } from './errors.js';

/**
 * Authorization in one place: what each role (people), scope (API keys) and OpsWatch's own actors may do.
 * Services call `authorize` at their boundary; REST routes, Slack listeners and CLI commands all reach it there.
 */

export const PERMISSIONS = [
  'incident:read',
  'incident:declare',
  'incident:acknowledge',
  'incident:resolve',
  'incident:assign',
  'incident:note',
  'incident:escalate',
  'incident:role',
  'incident:update',
  'incident:follow',
  'incident:merge',
  'alert:read',
  'schedule:read',
  'schedule:write',
  'override:write',
  'oncall:read',
  'user:read',
  'user:write',
  'user:calendar',
  'apikey:write',
  'settings:read',
  'settings:write',
  'audit:read',
  'escalation_policy:read',
  'escalation_policy:write',
  'service:read',
  'service:write',
  'notification_rule:read',
  'notification_rule:write',
  'contact_method:read',
  'contact_method:write',
  'contact_method:verify',
  'heartbeat:read',
  'heartbeat:write',
  'postmortem:read',
  'postmortem:write',
  'postmortem:publish',
  'webhook:send',
  'silence:read',
  'silence:write',
  'maintenance:write',
  'kb:read',
  'kb:write',
  'telemetry:read',
  'telemetry:write',
  'runbook:read',
  'runbook:write',
  'runbook:run',
  'runbook:approve',
  'sla:read',
  'sla:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `any`: on every resource of the tenant. `own`: only where the actor is one of the resource's owners. */
export type Access = 'any' | 'own';
type Grants = Readonly<Partial<Record<Permission, Access>>>;

/** What a permission lets someone do, as the end of "You need … to …". */
const DOES: Record<Permission, string> = {
  'incident:read': 'read incidents',
  'incident:declare': 'declare incidents',
  'incident:acknowledge': 'acknowledge incidents',
  'incident:resolve': 'resolve incidents',
  'incident:assign': 'assign incidents',
  'incident:note': 'add notes to incidents',
  'incident:role': 'set incident roles (commander, communications, scribe)',
  'incident:update': 'post status updates',
  'incident:follow': 'follow incidents’ status updates',
  'alert:read': 'read alerts',
  'schedule:read': 'read on-call schedules',
  'schedule:write': 'change on-call schedules',
  'override:write': 'add or remove overrides of other people’s shifts',
  'oncall:read': 'see who is on call',
  'user:read': 'list users',
  'user:write': 'add or change users',
  'user:calendar': 'read other people’s calendar links',
  'apikey:write': 'create API keys',
  'settings:read': 'read settings and Slack routes',
  'settings:write': 'change settings and Slack routes',
  'audit:read': 'read the audit log',
  'incident:escalate': 'escalate incidents',
  'incident:merge': 'merge incidents',
  'escalation_policy:read': 'read escalation policies',
  'escalation_policy:write': 'change escalation policies',
  'service:read': 'read services',
  'service:write': 'change services',
  'notification_rule:read': 'read notification rules',
  'notification_rule:write': 'change notification rules',
  'contact_method:read': 'see people’s phone numbers (contact methods)',
  'contact_method:write': 'add, verify or remove people’s phone numbers (contact methods)',
  'contact_method:verify': 'mark a phone number verified without its code',
  'heartbeat:read': 'read heartbeat monitors',
  'heartbeat:write': 'create, change or delete heartbeat monitors',
  'postmortem:read': 'read postmortems and their action items',
  'postmortem:write': 'draft and edit postmortems and their action items',
  'postmortem:publish': 'publish postmortems',
  'webhook:send': 'send alerts (webhooks)',
  'silence:read': 'read silences and maintenance windows',
  'silence:write': 'create or expire silences',
  'maintenance:write': 'change maintenance windows',
  'kb:read': 'read the knowledge base',
  'kb:write': 'add to or edit the knowledge base',
  'telemetry:read': 'read services’ logs (Bronze) and metric rollups (Silver)',
  'telemetry:write': 'send telemetry (OTLP logs, metrics and traces, events)',
  'runbook:read': 'read runbooks',
  'runbook:write': 'create, change or delete runbooks and their actions',
  'runbook:run': 'run runbook actions',
  'runbook:approve': 'approve or reject runbook action runs',
  'sla:read': 'read SLAs, their snapshots and error budgets',
  'sla:write': 'define or change SLAs (a change is a new version)',
};

/** What an `own` grant lets someone do, and what the rest is called. */
const DOES_OWN: Partial<Record<Permission, { mine: string; rest: string }>> = {
  'override:write': {
    mine: 'add or remove overrides in which you cover or hand over a shift',
    rest: 'any other override',
  },
  'user:calendar': { mine: 'read your own calendar link', rest: 'other people’s' },
  'notification_rule:write': { mine: 'change your own notification rules', rest: 'other people’s' },
  'contact_method:read': { mine: 'see your own phone numbers', rest: 'other people’s' },
  'contact_method:write': { mine: 'add, verify or remove your own phone numbers', rest: 'other people’s' },
  'postmortem:publish': {
    mine: 'publish postmortems of incidents assigned to you',
    rest: 'other incidents’',
  },
};

const all = (access: Access = 'any'): Grants => Object.fromEntries(PERMISSIONS.map((p) => [p, access]));
const grant = (perms: readonly Permission[], access: Access = 'any'): Grants =>
  Object.fromEntries(perms.map((p) => [p, access]));

const READS = PERMISSIONS.filter((p) => p.endsWith(':read'));
const PEOPLE_READS: Permission[] = [
  'incident:read',
  'alert:read',
  'schedule:read',
  'oncall:read',
  'user:read',
  'settings:read',
  'escalation_policy:read',
  'service:read',
  'notification_rule:read',
  'heartbeat:read',
  'silence:read',
  'kb:read',
  'postmortem:read',
  'telemetry:read',
  'runbook:read',
  'sla:read',
];
const INCIDENT_WORK: Permission[] = [
  'incident:role',
  'incident:update',
  'incident:follow',
  'incident:declare',
  'incident:acknowledge',
  'incident:resolve',
  'incident:assign',
  'incident:note',
  'incident:escalate',
  'silence:write',
  'incident:merge',
  'kb:write',
  'postmortem:write',
  'runbook:run',
  'runbook:approve',
];
const ROSTER_WORK: Permission[] = [
  'schedule:write',
  'override:write',
  'escalation_policy:write',
  'service:write',
  'notification_rule:write',
  'contact_method:write',
  'heartbeat:write',
  'maintenance:write',
  'runbook:write',
  'sla:write',
];

const viewer: Grants = {
  ...grant(PEOPLE_READS),
  // Following an incident's status updates is reading them as they come.
  ...grant(['incident:follow']),
  ...grant(['user:calendar', 'contact_method:read'], 'own'),
};
const responder: Grants = {
  ...viewer,
  ...grant(INCIDENT_WORK),
  ...grant(
    ['override:write', 'notification_rule:write', 'contact_method:write', 'postmortem:publish'],
    'own',
  ),
};
const manager: Grants = {
  ...responder,
  ...grant(ROSTER_WORK),
  ...grant(['audit:read', 'contact_method:read', 'postmortem:publish']),
};

/**
 * Roles × permissions. People: a viewer reads (of phone numbers, only their own); a responder also acts on
 * incidents and on their own on-call (overrides that cover or hand over their own shifts, their own notification
 * rules and phone numbers); a manager also manages schedules, overrides, escalation policies, services and
 * everyone's rules and phone numbers, heartbeats and runbooks, and reads the audit log; an admin may do everything (users, API keys,
 * settings and integrations too, and alone may mark a phone number verified without its code). OpsWatch's own:
 * `system` (jobs that act: reads, and notes on incident timelines) and
 * `renderer` (cards and App Home: reads of incidents, alerts, schedules, on-call and users).
 */
export const ROLE_MATRIX: Readonly<Record<Role, Grants>> = {
  viewer,
  responder,
  manager,
  admin: all(),
  system: grant([...PEOPLE_READS, 'incident:note']),
  renderer: grant([
    'incident:read',
    'alert:read',
    'schedule:read',
    'oncall:read',
    'user:read',
    'service:read',
    'escalation_policy:read',
    'silence:read',
    'kb:read',
    'postmortem:read',
    'runbook:read',
    'sla:read',
  ]),
};

/**
 * API key scopes × permissions: `webhooks` only sends alerts (the ingest routes); `read` reads everything
 * (the audit log included); `write` also does what responders and managers do; `admin` does everything.
 */
export const SCOPE_MATRIX: Readonly<Record<ApiKeyScope, Grants>> = {
  webhooks: grant(['webhook:send', 'telemetry:write']),
  read: grant(READS),
  write: grant([...READS, ...INCIDENT_WORK, ...ROSTER_WORK, 'postmortem:publish', 'telemetry:write']),
  admin: all(),
};

/** What a permission is checked against: who owns the resource (user ids), for `own` grants. */
export interface Resource {
  owners?: readonly (string | null | undefined)[];
}

/** The widest access the actor's roles and scopes give to `permission`, or null. */
export function accessOf(actor: Actor, permission: Permission): Access | null {
  let best: Access | null = null;
  const sources = [
    ...actor.roles.map((r) => ROLE_MATRIX[r]),
    ...(actor.scopes ?? []).map((s) => SCOPE_MATRIX[s]),
  ];
  for (const grants of sources) {
    const a = grants?.[permission];
    if (a === 'any') return 'any';
    if (a === 'own') best = 'own';
  }
  return best;
}

const owns = (actor: Actor, resource: Resource | undefined): boolean =>
  actor.kind === 'user' && actor.id !== null && (resource?.owners ?? []).includes(actor.id);

/** Whether `actor` may do `permission` (on `resource`, for grants that depend on who owns it). */
export function allowed(actor: Actor, permission: Permission, resource?: Resource): boolean {
  const access = accessOf(actor, permission);
  return access === 'any' || (access === 'own' && owns(actor, resource));
}

/** Throws AppError('forbidden') with a message naming the role or scope it takes, unless `allowed`. */
export function authorize(actor: Actor, permission: Permission, resource?: Resource): void {
  if (!allowed(actor, permission, resource)) throw AppError.forbidden(refusal(actor, permission));
}

/** The least role that may do `permission` on any resource (with `own`: on their own). */
export function leastRole(permission: Permission, access: Access = 'any'): UserRole {
  return (
    USER_ROLES.find((r) => {
      const a = ROLE_MATRIX[r][permission];
      return a === 'any' || (access === 'own' && a === 'own');
    }) ?? 'admin'
  );
}

/** The least API key scope that may do `permission`. */
export function leastScope(permission: Permission): ApiKeyScope {
  return API_KEY_SCOPES.find((s) => SCOPE_MATRIX[s][permission] === 'any') ?? 'admin';
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function refusal(actor: Actor, permission: Permission): string {
  const does = DOES[permission];
  if (actor.kind === 'api_key' || actor.kind === 'integration') {
    const scopes = actor.scopes ?? [];
    const has = scopes.length ? `the ${scopes.join(', ')} scope${scopes.length > 1 ? 's' : ''}` : 'no scope';
    const need = leastScope(permission);
    return (
      `This API key has ${has}; to ${does} it needs the ${need} scope. ` +
      `An admin can create a key with it (opswatch apikey create --scope ${need}, or POST /api/v1/api-keys).`
    );
  }
  if (actor.kind === 'user') {
    const role = actor.roles.find((r): r is UserRole => (USER_ROLES as readonly string[]).includes(r));
    const you = role ? `you are ${article(role)}` : 'you have no role';
    const need = leastRole(permission);
    const own = DOES_OWN[permission];
    if (own && role && accessOf(actor, permission) === 'own')
      return `As ${article(role)} you may only ${own.mine}; ${own.rest} takes the ${need} role.`;
    const ownRole = leastRole(permission, 'own');
    if (own && ownRole !== need)
      return `You need the ${ownRole} role to ${own.mine} (${own.rest} takes the ${need} role); ${you}.`;
    return `You need the ${need} role to ${does}; ${you}. An OpsWatch admin can change your role.`;
  }
  return `${actor.name} (${actor.roles.join(', ') || 'no role'}) may not ${does}.`;
}
