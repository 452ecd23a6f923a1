import type { Em } from '../../db/sql.js';
import type { SilenceHold, SilenceSubject, SilencingPort } from '../alerts/index.js';
import { silencesStore } from './silences.store.js';
import { type ActiveSilence, holdFor, type ServiceWindow } from './silencing.calc.js';

interface Loaded {
  loadedAt: number;
  silences: ActiveSilence[];
  windows: ServiceWindow[];
}

/** How long a tenant's silences and windows are reused before being read again (another replica's changes). */
const TTL_MS = 2_000;

/**
 * The silencing step of ingestion (the alerts domain's SilencingPort): a tenant's silences not yet over and its
 * maintenance windows, read in the ingest transaction at most every TTL_MS (this process's own changes drop the
 * copy at once), matched in memory against a batch's firing alerts.
 */
export class Silencer implements SilencingPort {
  private readonly cache = new Map<string, Loaded>();

  constructor(private readonly monotonicMs: () => number = () => performance.now()) {}

  /** Drops a tenant's copy (a silence or window of it changed here). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  async holds(
    em: Em,
    tenantId: string,
    alerts: readonly SilenceSubject[],
    now: Date,
  ): Promise<(SilenceHold | null)[]> {
    if (alerts.length === 0) return [];
    const set = await this.load(em, tenantId, now);
    if (set.silences.length === 0 && set.windows.length === 0) return alerts.map(() => null);
    return alerts.map((a) => holdFor(set.silences, set.windows, a, now));
  }

  private async load(em: Em, tenantId: string, now: Date): Promise<Loaded> {
    const hit = this.cache.get(tenantId);
    const t = this.monotonicMs();
    // A copy holds the silences not over when it was read: one that ended since is filtered out by `now`.
    if (hit && t - hit.loadedAt < TTL_MS) return hit;
    const [silences, windows] = await Promise.all([
      silencesStore.notOver(em, tenantId, now),
      silencesStore.windows(em, tenantId),
    ]);
    const loaded: Loaded = {
      loadedAt: t,
      silences: silences.map((s) => ({
        id: s.id,
        matchers: s.matchers,
        startsAt: new Date(s.starts_at),
        endsAt: new Date(s.ends_at),
      })),
      windows: windows.map((w) => ({ id: w.id, service: w.service, timeZone: w.time_zone, rule: w.rule })),
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, loaded);
    return loaded;
  }
}
