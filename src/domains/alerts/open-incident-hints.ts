/**
 * Which incident was open in each (tenant, group) when this process last ingested into it: a guess, so the alert
 * upsert can go out in the same write as the group locks and the incidents' answer instead of waiting a round
 * trip for it. The ingest transaction checks every guess against what the incidents' port found under the
 * locks and links the alerts a wrong guess misplaced before it commits, so a stale guess (another replica, an
 * incident resolved by hand) costs one update and never a wrong link. Bounded; the oldest entries go first.
 */
export class OpenIncidentHints {
  private readonly byGroup = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  get(tenantId: string, groupKey: string): string | undefined {
    return this.byGroup.get(`${tenantId}|${groupKey}`);
  }

  /** Records the group's open incident (undefined: none is open). */
  set(tenantId: string, groupKey: string, incidentId: string | undefined): void {
    const key = `${tenantId}|${groupKey}`;
    this.byGroup.delete(key);
    if (!incidentId) return;
    this.byGroup.set(key, incidentId);
    if (this.byGroup.size > this.max) {
      const oldest = this.byGroup.keys().next().value;
      if (oldest !== undefined) this.byGroup.delete(oldest);
    }
  }

  /** Drops a tenant's guesses (after a failed transaction, in case a guess caused it). */
  forget(tenantId: string): void {
    const prefix = `${tenantId}|`;
    for (const key of this.byGroup.keys()) if (key.startsWith(prefix)) this.byGroup.delete(key);
  }
}
