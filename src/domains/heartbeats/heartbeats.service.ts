import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { allowed, authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid, newId } from '../../shared/ids.js';
import type { IngestResult, NormalizedAlert } from '../alerts/index.js';
import { recordAudit } from '../audit/index.js';
import { downAt, nextPingDue, statusAt } from './heartbeat.calc.js';
import { missedAlert, recoveredAlert } from './heartbeat-alert.calc.js';
import { facts, fieldsOf, monitorOf, stateOf, timing } from './heartbeats.mapper.js';
import { type HeartbeatFields, type HeartbeatRow, heartbeatsStore } from './heartbeats.store.js';
import {
  DEFAULT_GRACE_SECONDS,
  DEFAULT_SEVERITY,
  type HeartbeatDto,
  heartbeatInputSchema,
  heartbeatPatchSchema,
  type ParsedHeartbeat,
  type PingResult,
} from './heartbeats.types.js';

/** How heartbeats raise and resolve their alerts: the alerts domain's ingestion, in the caller's transaction. */
export interface HeartbeatAlertsPort {
  raiseInTx(em: Em, actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult>;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface MissedRunReport {
  missed: number;
}

/** A ping URL's secret: `hb_` and 32 URL-safe characters (never shaped like a UUID, which names a monitor). */
export const newToken = () => `hb_${randomBytes(24).toString('base64url')}`;

const nameTaken = (name: string) => AppError.conflict(`A heartbeat named "${name}" already exists.`);

/** OpsWatch acting for a monitor: on the timeline, "Heartbeat nightly-backup". */
const monitorActor = (tenantId: string, name: string): Actor => systemActor(tenantId, `Heartbeat ${name}`);

/**
 * Heartbeat monitors (dead-man's switches). A monitor not pinged within interval + grace of its last ping (or
 * creation) goes down in the engine's tick and fires an alert of source `heartbeat` through the alerts domain, so
 * its incident is grouped, routed and escalated like any other; the next ping resolves that alert (and with it
 * the incident, when auto-resolve is on for `heartbeat`, the default).
 */
export class HeartbeatsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly alerts: HeartbeatAlertsPort,
    private readonly publicBaseUrl: string,
  ) {}

  /** The ping URL of a token. */
  pingUrl(token: string): string {
    return `${this.publicBaseUrl.replace(/\/$/, '')}/api/v1/heartbeats/${token}`;
  }

  /** The monitor as people read it; its token and ping URL only for those who may change monitors (`secret`). */
  toDto(r: HeartbeatRow, secret: boolean, now: Date = this.clock.now()): HeartbeatDto {
    const t = timing(r);
    const status = statusAt(t, stateOf(r), now);
    const watched = r.state === 'up';
    return {
      ...monitorOf(r),
      status,
      pingUrl: secret ? this.pingUrl(r.token) : null,
      token: secret ? r.token : null,
      lastPingAt: t.lastPingAt?.toISOString() ?? null,
      nextDueAt: r.state === 'paused' ? null : nextPingDue(t).toISOString(),
      downAt: watched ? downAt(t).toISOString() : null,
      downSince: r.down_since ? new Date(r.down_since).toISOString() : null,
      pings: Number(r.pings),
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }

  async list(actor: Actor): Promise<HeartbeatDto[]> {
    authorize(actor, 'heartbeat:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      heartbeatsStore.list(em, actor.tenantId),
    );
    const now = this.clock.now();
    return rows.map((r) => this.toDto(r, allowed(actor, 'heartbeat:write'), now));
  }

  async get(actor: Actor, id: string): Promise<HeartbeatDto> {
    authorize(actor, 'heartbeat:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      this.toDto(await this.load(em, actor.tenantId, id), allowed(actor, 'heartbeat:write')),
    );
  }

  async create(actor: Actor, input: unknown): Promise<HeartbeatDto> {
    authorize(actor, 'heartbeat:write');
    const parsed = parseInput(heartbeatInputSchema, input, 'The heartbeat is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) =>
      this.toDto(await this.insert(em, actor, parsed), true),
    );
  }

  async update(actor: Actor, id: string, input: unknown): Promise<HeartbeatDto> {
    authorize(actor, 'heartbeat:write');
    const patch = parseInput(heartbeatPatchSchema, input, 'The change to the heartbeat is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id, true);
      return this.toDto(await this.change(em, actor, before, patch), true);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'heartbeat:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, id, true);
      // A monitor that is down takes its alert with it: its incident resolves rather than waiting for a ping.
      if (row.state === 'down') await this.recover(em, row, row.down_since, this.clock.now());
      await heartbeatsStore.remove(em, actor.tenantId, row.id);
      await this.audit(em, actor, 'heartbeat.deleted', row);
    });
  }

  /** Creates or changes the monitor of this name (`opswatch apply`); its token is kept. */
  async upsertByName(
    actor: Actor,
    input: unknown,
  ): Promise<{ outcome: UpsertOutcome; heartbeat: HeartbeatDto }> {
    authorize(actor, 'heartbeat:write');
    const parsed = parseInput(heartbeatInputSchema, input, 'The heartbeat is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const found = await heartbeatsStore.byName(em, actor.tenantId, parsed.name);
      if (!found)
        return {
          outcome: 'created' as const,
          heartbeat: this.toDto(await this.insert(em, actor, parsed), true),
        };
      const before = (await heartbeatsStore.lock(em, actor.tenantId, found.id)) ?? found;
      const full = { grace: DEFAULT_GRACE_SECONDS, severity: DEFAULT_SEVERITY, description: null, ...parsed };
      const after = await this.change(em, actor, before, full);
      return {
        outcome: after === before ? ('unchanged' as const) : ('updated' as const),
        heartbeat: this.toDto(after, true),
      };
    });
  }

  /**
   * A ping (the token is the credential): the monitor is up again and due interval + grace from now. A monitor
   * that was down has its alert resolved in the same transaction; the answer comes after the commit.
   */
  async ping(token: string): Promise<PingResult> {
    if (!/^hb_[A-Za-z0-9_-]{16,64}$/.test(token)) throw unknownToken();
    const now = this.clock.now();
    return withTx(this.orm, 'system', async (em) => {
      const row = await heartbeatsStore.ping(em, token, now);
      if (!row) throw unknownToken();
      const recovered = row.was_state === 'down';
      if (recovered) await this.recover(em, row, row.was_down_since, now);
      return {
        status: 'ok' as const,
        heartbeat: row.name,
        recovered,
        nextDueAt: nextPingDue(timing(row)).toISOString(),
      };
    });
  }

  /**
   * The engine's module: every monitor past its deadline goes down and fires its alert, in one transaction per
   * run under the module's advisory lock, so however many replicas tick, each outage opens one incident.
   */
  async checkMissed(now: Date = this.clock.now(), limit = 500): Promise<MissedRunReport> {
    return withTx(this.orm, 'system', async (em) => {
      if (!(await heartbeatsStore.tryLock(em))) return { missed: 0 };
      const rows = await heartbeatsStore.markMissed(em, now, limit);
      const byTenant = new Map<string, HeartbeatRow[]>();
      for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
      for (const [tenantId, missed] of byTenant) {
        const actor = missed.length === 1 ? monitorActor(tenantId, missed[0]!.name) : systemActor(tenantId);
        await this.alerts.raiseInTx(
          em,
          actor,
          missed.map((r) => missedAlert(facts(r, r.down_since))),
        );
      }
      return { missed: rows.length };
    });
  }

  private async recover(em: Em, row: HeartbeatRow, downSince: string | null, at: Date): Promise<void> {
    await this.alerts.raiseInTx(em, monitorActor(row.tenant_id, row.name), [
      recoveredAlert(facts(row, downSince), at),
    ]);
  }

  private async insert(em: Em, actor: Actor, p: ParsedHeartbeat): Promise<HeartbeatRow> {
    const row = await heartbeatsStore.insert(
      em,
      actor.tenantId,
      { id: newId(), token: newToken(), state: p.paused ? 'paused' : 'up', ...fieldsOf(p) },
      this.clock.now(),
    );
    if (!row) throw nameTaken(p.name);
    await this.audit(em, actor, 'heartbeat.created', row);
    return row;
  }

  /** Applies a change; pausing (or resuming) is a change of state. The row is returned as is when nothing changes. */
  private async change(
    em: Em,
    actor: Actor,
    before: HeartbeatRow,
    patch: Partial<ParsedHeartbeat>,
  ): Promise<HeartbeatRow> {
    const f: HeartbeatFields = {
      name: patch.name ?? before.name,
      service: patch.service ?? before.service,
      environment: patch.environment ?? before.environment,
      severity: patch.severity ?? before.severity,
      description: patch.description === undefined ? before.description : patch.description,
      interval_seconds: patch.interval ?? before.interval_seconds,
      grace_seconds: patch.grace ?? before.grace_seconds,
    };
    const was = stateOf(before);
    const state = patch.paused === undefined ? was : patch.paused ? 'paused' : was === 'paused' ? 'up' : was;
    const same = (Object.keys(f) as (keyof HeartbeatFields)[]).every((k) => f[k] === before[k]);
    if (same && state === was) return before;
    const now = this.clock.now();
    if (was === 'down' && state === 'paused') await this.recover(em, before, before.down_since, now);
    const after = await heartbeatsStore.update(em, actor.tenantId, before.id, f, state, now);
    if (!after) throw nameTaken(f.name);
    await this.audit(em, actor, 'heartbeat.updated', after);
    return after;
  }

  private async load(em: Em, tenantId: string, id: string, lock = false): Promise<HeartbeatRow> {
    const row = isUuid(id)
      ? await (lock ? heartbeatsStore.lock(em, tenantId, id) : heartbeatsStore.byId(em, tenantId, id))
      : undefined;
    if (!row) throw AppError.notFound(`The heartbeat ${id}`);
    return row;
  }

  private audit(em: Em, actor: Actor, action: string, row: HeartbeatRow): Promise<void> {
    return recordAudit(
      em,
      actor,
      { action, targetType: 'heartbeat', targetId: row.id, data: { name: row.name } },
      this.clock.now(),
    );
  }
}

function unknownToken(): AppError {
  return new AppError(
    'not_found',
    'No heartbeat has this ping URL. Check the token in the URL (GET /api/v1/heartbeats, with a write key, shows each monitor’s pingUrl).',
  );
}
