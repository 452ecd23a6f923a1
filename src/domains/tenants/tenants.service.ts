import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, API_KEY_SCOPES, type ApiKeyScope } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
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

/** What a new API key may do when its creator says nothing: send alerts, and only that. */
export const DEFAULT_KEY_SCOPES: readonly ApiKeyScope[] = ['webhooks'];

export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** Shown once; only its hash is stored. */
  key: string;
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

const bootstrapKey = (hash: string) => ({
  name: BOOTSTRAP_KEY_NAME,
  hash,
  lookup: lookupOf(hash),
  scopes: ['admin'] as ApiKeyScope[],
});

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  settings: r.settings ?? {},
});

export class TenantsService {
  private readonly authCache = new Map<string, CachedAuth>();
  /** Look-ups under way by key hash: concurrent requests with a key not (or no longer) cached share one. */
  private readonly authLookups = new Map<string, Promise<Actor | null>>();
  private readonly slackTeams = new Map<string, Tenant>();
  private readonly settingsCache = new Map<string, { value: Record<string, unknown>; until: number }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** Makes sure the default tenant and its bootstrap API key (scope `admin`) exist. System scope. */
  async bootstrap(configuredKey: string | undefined): Promise<BootstrapResult> {
    return withTx(this.orm, 'system', async (em) => {
      const tenant = await tenantsStore.ensure(em, DEFAULT_TENANT_SLUG, 'Default');
      if (configuredKey) {
        const hash = hashApiKey(configuredKey);
        const existing = (await tenantsStore.keysByLookup(em, lookupOf(hash))).find((k) =>
          sameHash(k.key_hash, hash),
        );
        if (!existing) await tenantsStore.insertKey(em, tenant.id, bootstrapKey(hash));
        await tenantsStore.revokeKeysNamed(em, tenant.id, BOOTSTRAP_KEY_NAME, hash);
        return { tenant: toTenant(tenant), generatedKey: null };
      }
      const keys = await tenantsStore.keysOf(em, tenant.id);
      if (keys.length > 0) return { tenant: toTenant(tenant), generatedKey: null };
      const key = generateApiKey();
      const hash = hashApiKey(key);
      await tenantsStore.insertKey(em, tenant.id, bootstrapKey(hash));
      return { tenant: toTenant(tenant), generatedKey: key };
    });
  }

  /**
   * The actor an API key stands for (with the key's scopes), or null when the key is unknown or revoked.
   * System scope: the key's hash is looked up across tenants, since the key is what says which tenant.
   */
  async authenticate(key: string): Promise<Actor | null> {
    const hash = hashApiKey(key);
    const now = this.clock.now().getTime();
    const cached = this.authCache.get(hash);
    if (cached && cached.until > now) return cached.actor;
    const pending = this.authLookups.get(hash);
    if (pending) return pending;
    const lookup = this.lookUpKey(hash, now);
    this.authLookups.set(hash, lookup);
    try {
      return await lookup;
    } finally {
      this.authLookups.delete(hash);
    }
  }

  /** Reads the key (and marks it used) in the system scope; caches who it stands for. */
  private async lookUpKey(hash: string, now: number): Promise<Actor | null> {
    const actor = await withEm(this.orm, 'system', async (em) => {
      const match = (await tenantsStore.keysByLookup(em, lookupOf(hash))).find((k) =>
        sameHash(k.key_hash, hash),
      );
      if (!match || match.revoked_at) return null;
      await tenantsStore.touchKey(em, match.tenant_id, match.id);
      return {
        tenantId: match.tenant_id,
        kind: 'api_key',
        id: match.id,
        name: `API key "${match.name}"`,
        roles: [],
        scopes: match.scopes,
        source: 'http',
      } satisfies Actor;
    });
    if (this.authCache.size > 10_000) this.authCache.clear();
    this.authCache.set(hash, { actor, until: now + AUTH_CACHE_MS });
    return actor;
  }

  /** Creates an API key with these scopes (`webhooks` when none are given); the key is returned once. */
  async createApiKey(
    actor: Actor,
    name: string,
    scopes: readonly ApiKeyScope[] = DEFAULT_KEY_SCOPES,
  ): Promise<CreatedApiKey> {
    authorize(actor, 'apikey:write');
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100)
      throw AppError.validation('A key needs a name of 1 to 100 characters.');
    const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length)
      throw AppError.validation(`A key's scopes are one or more of ${API_KEY_SCOPES.join(', ')}.`, [
        { field: 'scopes', message: unknown.length ? `unknown: ${unknown.join(', ')}` : 'at least one' },
      ]);
    const unique = API_KEY_SCOPES.filter((s) => scopes.includes(s));
    const key = generateApiKey();
    const hash = hashApiKey(key);
    const id = await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const keyId = await tenantsStore.insertKey(em, actor.tenantId, {
        name: trimmed,
        hash,
        lookup: lookupOf(hash),
        scopes: unique,
      });
      await recordAudit(
        em,
        actor,
        {
          action: 'api_key.created',
          targetType: 'api_key',
          targetId: keyId,
          data: { name: trimmed, scopes: unique },
        },
        this.clock.now(),
      );
      return keyId;
    });
    return { id, name: trimmed, scopes: unique, key };
  }

  /**
   * The tenant of a Slack workspace: the one linked to it, else the default tenant (linked now, on first sight).
   * A second workspace is refused: one workspace per tenant.
   */
  async forSlackTeam(teamId: string): Promise<Tenant> {
    const hit = this.slackTeams.get(teamId);
    if (hit) return hit;
    // System scope: the workspace is what says which tenant.
    const row = await withTx(this.orm, 'system', (em) =>
      tenantsStore.forSlackTeam(em, teamId, DEFAULT_TENANT_SLUG),
    );
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
    const row = await withEm(this.orm, { tenantId }, (em) => tenantsStore.findById(em, tenantId));
    if (!row) throw AppError.notFound('The tenant');
    this.settingsCache.set(tenantId, { value: row.settings ?? {}, until: now + 5_000 });
    return row.settings ?? {};
  }

  async updateSettings(actor: Actor, settings: Record<string, unknown>): Promise<void> {
    authorize(actor, 'settings:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
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
