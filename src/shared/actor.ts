export type ActorKind = 'user' | 'api_key' | 'system' | 'integration';

/** The roles a person can have in a tenant, least to most. */
export const USER_ROLES = ['viewer', 'responder', 'manager', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
/** A user's role, or one of OpsWatch's own: `system` (jobs that act) and `renderer` (cards and App Home). */
export type Role = UserRole | 'system' | 'renderer';

/** What an API key may be used for, least to most (see src/shared/authz.ts for what each allows). */
export const API_KEY_SCOPES = ['webhooks', 'read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is doing something, on behalf of which tenant. Every service method takes one. */
export interface Actor {
  tenantId: string;
  kind: ActorKind;
  /** user id, API key id, integration name or job name */
  id: string | null;
  /** how the actor is shown on timelines */
  name: string;
  /** A user's role, or OpsWatch's own; empty for API keys, which hold `scopes` instead. */
  roles: Role[];
  /** An API key's scopes (and those of the integration sending with it). */
  scopes?: ApiKeyScope[];
  /** Where the request came from: `sms` and `voice` are replies to a page by text message or a key pressed on a call. */
  source: 'http' | 'slack' | 'cli' | 'job' | 'webhook' | 'sms' | 'voice';
}

/** OpsWatch itself acting in a job (timeline notices, engine work): the permission matrix's `system` entry. */
export function systemActor(tenantId: string, name = 'OpsWatch'): Actor {
  return { tenantId, kind: 'system', id: null, name, roles: ['system'], source: 'job' };
}

/** What incident cards and App Home are rendered as: it may read the tenant's incidents and on-call, nothing else. */
export function rendererActor(tenantId: string): Actor {
  return { tenantId, kind: 'system', id: null, name: 'OpsWatch', roles: ['renderer'], source: 'job' };
}

/**
 * The operator at the command line (`opswatch apikey`, `opswatch apply`). Whoever runs the CLI holds the
 * database's credentials, so it acts as an admin of the tenant it works on.
 */
export function operatorActor(tenantId: string, name: string): Actor {
  return { tenantId, kind: 'system', id: null, name, roles: ['admin'], source: 'cli' };
}
