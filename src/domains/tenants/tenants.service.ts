import type { MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { generateApiKey, hashApiKey, lookupOf, sameHash } from './apikey.calc.js';
import { type TenantRow, tenantsStore } from './tenants.store.js';

export const DEFAULT_TENANT_SLUG = 'default';
const BOOTSTRAP_KEY_NAME = 'bootstrap';
const AUTH_CACHE_MS = 30_000;

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
}

export interface BootstrapResult {
  tenant: Tenant;
  /** Set only when a key was generated now; it is shown once and never stored in clear. */
  generatedKey: string | null;
}

interface CachedAuth {
  actor: Actor | null;
  until: number;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  settings: r.settings ?? {},
});

export class TenantsService {
  private readonly authCache = new Map<string, CachedAuth>();
  private readonly slackTeams = new Map<string, Tenant>();
  private readonly settingsCache = new Map<string, { value: Record<string, unknown>; until: number }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** Makes sure the default tenant and its bootstrap API key exist. */
  async bootstrap(configuredKey: string | undefined): Promise<BootstrapResult> {
    return this.orm.em.fork().transactional(async (em) => {
      const tenant = await tenantsStore.ensure(em, DEFAULT_TENANT_SLUG, 'Default');
      if (configuredKey) {
        const hash = hashApiKey(configuredKey);
        const existing = (await tenantsStore.keysByLookup(em, lookupOf(hash))).find((k) =>
          sameHash(k.key_hash, hash),
        );
        if (!existing) await tenantsStore.insertKey(em, tenant.id, BOOTSTRAP_KEY_NAME, hash, lookupOf(hash));
        await tenantsStore.revokeKeysNamed(em, tenant.id, BOOTSTRAP_KEY_NAME, hash);
        return { tenant: toTenant(tenant), generatedKey: null };
      }
      const keys = await tenantsStore.keysOf(em, tenant.id);
      if (keys.length > 0) return { tenant: toTenant(tenant), generatedKey: null };
      const key = generateApiKey();
      const hash = hashApiKey(key);
      await tenantsStore.insertKey(em, tenant.id, BOOTSTRAP_KEY_NAME, hash, lookupOf(hash));
      return { tenant: toTenant(tenant), generatedKey: key };
    });
  }

  /** The actor an API key stands for, or null when the key is unknown or revoked. */
  async authenticate(key: string): Promise<Actor | null> {
    const hash = hashApiKey(key);
    const now = this.clock.now().getTime();
    const cached = this.authCache.get(hash);
    if (cached && cached.until > now) return cached.actor;
    const em = this.orm.em.fork();
    const match = (await tenantsStore.keysByLookup(em, lookupOf(hash))).find((k) =>
      sameHash(k.key_hash, hash),
    );
    const actor: Actor | null =
      match && !match.revoked_at
        ? {
            tenantId: match.tenant_id,
            kind: 'api_key',
            id: match.id,
            name: `API key "${match.name}"`,
            roles: ['admin'],
            source: 'http',
          }
        : null;
    if (match && !match.revoked_at) await tenantsStore.touchKey(em, match.id);
    if (this.authCache.size > 10_000) this.authCache.clear();
    this.authCache.set(hash, { actor, until: now + AUTH_CACHE_MS });
    return actor;
  }

  async createApiKey(actor: Actor, name: string): Promise<{ id: string; key: string }> {
    if (!actor.roles.includes('admin')) throw AppError.forbidden('Only admins can create API keys.');
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100)
      throw AppError.validation('A key needs a name of 1 to 100 characters.');
    const key = generateApiKey();
    const hash = hashApiKey(key);
    const id = await this.orm.em.fork().transactional(async (em) => {
      const keyId = await tenantsStore.insertKey(em, actor.tenantId, trimmed, hash, lookupOf(hash));
      await recordAudit(
        em,
        actor,
        { action: 'api_key.created', targetType: 'api_key', targetId: keyId, data: { name: trimmed } },
        this.clock.now(),
      );
      return keyId;
    });
    return { id, key };
  }

  async defaultTenant(): Promise<Tenant> {
    const row = await tenantsStore.findBySlug(this.orm.em.fork(), DEFAULT_TENANT_SLUG);
    if (!row) throw AppError.notFound('The default tenant');
    return toTenant(row);
  }

  /**
   * The tenant of a Slack workspace: the one linked to it, else the default tenant (linked now, on first sight).
   * A second workspace is refused: one workspace per tenant.
   */
  async forSlackTeam(teamId: string): Promise<Tenant> {
    const hit = this.slackTeams.get(teamId);
    if (hit) return hit;
    const row = await this.orm.em
      .fork()
      .transactional((em) => tenantsStore.forSlackTeam(em, teamId, DEFAULT_TENANT_SLUG));
    if (!row) throw AppError.forbidden(`This Slack workspace (${teamId}) is not connected to OpsWatch.`);
    const tenant = toTenant(row);
    this.slackTeams.set(teamId, tenant);
    return tenant;
  }

  /** Tenant settings, cached for a few seconds (they change rarely and are read on every webhook). */
  async settings(tenantId: string): Promise<Record<string, unknown>> {
    const now = this.clock.now().getTime();
    const hit = this.settingsCache.get(tenantId);
    if (hit && hit.until > now) return hit.value;
    const row = await tenantsStore.findById(this.orm.em.fork(), tenantId);
    if (!row) throw AppError.notFound('The tenant');
    this.settingsCache.set(tenantId, { value: row.settings ?? {}, until: now + 5_000 });
    return row.settings ?? {};
  }

  async updateSettings(actor: Actor, settings: Record<string, unknown>): Promise<void> {
    if (!actor.roles.includes('admin')) throw AppError.forbidden('Only admins can change settings.');
    await this.orm.em.fork().transactional(async (em) => {
      await tenantsStore.updateSettings(em, actor.tenantId, settings);
      await recordAudit(
        em,
        actor,
        { action: 'settings.updated', targetType: 'tenant', targetId: actor.tenantId, data: settings },
        this.clock.now(),
      );
    });
    this.settingsCache.delete(actor.tenantId);
  }
}
