export type ActorKind = 'user' | 'api_key' | 'system' | 'integration';
export type Role = 'admin' | 'responder' | 'viewer';

/** Who is doing something, on behalf of which tenant. Every service method takes one. */
export interface Actor {
  tenantId: string;
  kind: ActorKind;
  /** user id, API key id, integration name or job name */
  id: string | null;
  /** how the actor is shown on timelines */
  name: string;
  roles: Role[];
  source: 'http' | 'slack' | 'cli' | 'job' | 'webhook';
}

export function systemActor(tenantId: string, name = 'OpsWatch'): Actor {
  return { tenantId, kind: 'system', id: null, name, roles: ['admin'], source: 'job' };
}

export function can(actor: Actor, role: Role): boolean {
  if (actor.roles.includes('admin')) return true;
  if (role === 'viewer') return actor.roles.length > 0;
  return actor.roles.includes(role);
}
