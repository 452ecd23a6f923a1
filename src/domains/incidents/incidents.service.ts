import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em, OrmEm } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { authorize, type Permission } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import type { IncidentAlertsPort, IncidentPagesPort } from './incident-alerts.port.js';
import { editsOf } from './incident-edits.calc.js';
import type { IncidentEventSink } from './incident-events.js';
import { IncidentIngest, lockGroup } from './incident-ingest.js';
import type { IncidentIngestPort } from './incident-ingest.port.js';
import {
  applyTransition,
  type IncidentNoticeRecorder,
  type IncidentNoticesRecorder,
  openIncident,
  recordChanges,
  recordIncidentNotice,
} from './incident-lifecycle.js';
import { type MergeInput, mergeIncidents, mergeRefs, mergeTargetRows } from './incident-merge.js';
import {
  attachedRunbooksOf,
  decodeCursor,
  encodeCursor,
  parseIncidentRef,
  toAlertDto,
  toIncidentDto,
  toTimelineDto,
} from './incidents.mapper.js';
import { type IncidentListRow, type IncidentRow, incidentsStore, type RefQuery } from './incidents.store.js';
import {
  type DeclareInput,
  declareInputSchema,
  type EditInput,
  editInputSchema,
  type IncidentDetailDto,
  type IncidentDto,
  type IncidentFacts,
  type IncidentPage,
  incidentRef,
  type ListFilter,
  type MergeResultDto,
  type ResolutionCapture,
} from './incidents.types.js';
import type { TimelineEvent } from './timeline.types.js';

export class IncidentsService {
  /** The incidents' door for alert ingestion, used by the alerts domain inside its transactions. */
  readonly ingestPort: IncidentIngestPort;

  /**
   * @param events where every recorded event goes, in its transaction (the composition root's bus: the
   *   notification router and whatever else subscribes)
   * @param alerts the alerts grouped into incidents (the alerts domain's side of the port)
   * @param pages the incidents' pages (the escalation domain's side), which a merge moves
   */
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    readonly events: IncidentEventSink,
    private readonly alerts: IncidentAlertsPort,
    private readonly pages: IncidentPagesPort,
  ) {
    this.ingestPort = new IncidentIngest(events, alerts);
  }

  /**
   * Records something that happened to an incident outside a person's action (a failed or unroutable
   * notification), in the caller's transaction, as OpsWatch's own timeline row; subscribers see it too.
   */
  readonly recordNotice: IncidentNoticeRecorder = (em, tenantId, incidentId, event, at, once) =>
    recordIncidentNotice(em, this.events, tenantId, incidentId, event, at, once);

  /** Records OpsWatch's own notices on several incidents at once, in the caller's transaction (the engine's batches). */
  readonly recordNotices: IncidentNoticesRecorder = (em, tenantId, items, at) =>
    recordChanges(em, this.events, systemActor(tenantId), items, at);

  /** Records an event by `actor` in the caller's transaction; subscribers see it too (escalate now). */
  readonly recordAs = (
    em: Em,
    actor: Actor,
    incidentId: string,
    event: TimelineEvent,
    at: Date,
  ): Promise<void> => recordChanges(em, this.events, actor, [{ incidentId, event }], at);

  /**
   * The acknowledgement timed out: an incident acknowledged at least `minutes` ago and still not resolved goes
   * back to triggered (and escalates again). False when it is no longer so (resolved, or acknowledged again since).
   */
  async ackTimedOut(tenantId: string, incidentId: string, minutes: number): Promise<boolean> {
    return withTx(this.orm, { tenantId }, async (em) => {
      const now = this.clock.now();
      const found = await incidentsStore.get(em, tenantId, { id: incidentId });
      if (found?.group_key) await lockGroup(em, tenantId, found.group_key, this.events);
      const inc = await incidentsStore.lock(em, tenantId, { id: incidentId });
      if (inc?.status !== 'acknowledged' || !inc.acknowledged_at) return false;
      if (now.getTime() - new Date(inc.acknowledged_at).getTime() < minutes * 60_000) return false;
      const note = `Not resolved ${minutes} minutes after it was acknowledged`;
      await applyTransition(em, this.events, this.alerts, systemActor(tenantId), inc, 'retrigger', now, note);
      return true;
    });
  }

  async list(actor: Actor, filter: ListFilter): Promise<IncidentPage> {
    authorize(actor, 'incident:read');
    const statuses = filter.status?.flatMap((s) => (s === 'open' ? ['triggered', 'acknowledged'] : [s]));
    const { rows, counts } = await withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await incidentsStore.list(em, actor.tenantId, {
        statuses,
        service: filter.service,
        environment: filter.environment,
        severities: filter.severity,
        since: filter.since,
        until: filter.until,
        after: filter.cursor ? decodeCursor(filter.cursor) : undefined,
        limit: filter.limit + 1,
      });
      const ids = rows.slice(0, filter.limit).map((r) => r.id);
      return { rows, counts: await this.alerts.counts(em, actor.tenantId, ids) };
    });
    const page = rows.slice(0, filter.limit);
    const items = page.map((r) => toIncidentDto(r, counts.get(r.id)));
    const last = rows.length > filter.limit ? rows[filter.limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor(last) : null };
  }

  async get(actor: Actor, ref: string): Promise<IncidentDetailDto> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await incidentsStore.get(em, actor.tenantId, parseIncidentRef(ref));
      if (!row) throw AppError.notFound(`Incident ${ref}`);
      const alerts = await this.alerts.list(em, actor.tenantId, row.id);
      const counts = await this.alerts.counts(em, actor.tenantId, [row.id]);
      const timeline = (await incidentsStore.timeline(em, actor.tenantId, row.id)).map((t) =>
        toTimelineDto(t, incidentRef(row.number)),
      );
      return {
        ...toIncidentDto(row, counts.get(row.id)),
        alerts: alerts.map(toAlertDto),
        timeline,
        runbooks: attachedRunbooksOf(timeline),
      };
    });
  }

  /** Declares an incident by hand (REST, Slack modal, CLI). */
  async declare(actor: Actor, input: DeclareInput): Promise<IncidentDto> {
    authorize(actor, 'incident:declare');
    const data = parseInput(declareInputSchema, input, 'The incident is not valid.');
    const now = this.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const inc = await openIncident(
        em,
        this.events,
        actor,
        {
          title: data.title,
          description: data.description ?? null,
          service: data.service,
          environment: data.environment,
          severity: data.severity,
          groupKey: null,
          source: 'manual',
          autoResolve: false,
          drill: data.drill,
        },
        'declared',
        now,
      );
      return this.summary(em, actor, { id: inc.id });
    });
  }

  /**
   * Opens a test page's incident in the caller's transaction (the escalation domain's test page): a P1 drill for
   * `testOf`, declared by `actor`, posted to no channel; its escalation is the caller's to start.
   */
  readonly openTest = async (
    em: Em,
    actor: Actor,
    fields: { title: string; description: string; service: string; testOf: string },
    at: Date,
  ): Promise<{ id: string; number: number }> => {
    const inc = await openIncident(
      em,
      this.events,
      actor,
      {
        title: fields.title,
        description: fields.description,
        service: fields.service,
        environment: 'production',
        severity: 1,
        groupKey: null,
        source: 'manual',
        autoResolve: false,
        drill: true,
        testOf: fields.testOf,
      },
      'declared',
      at,
    );
    return { id: inc.id, number: inc.number };
  };

  /**
   * Ends a test page (its own transaction): acknowledged, if nobody did, then resolved, by OpsWatch. False when
   * the incident is no test page or is resolved already.
   */
  async endTest(tenantId: string, incidentId: string, note: string): Promise<boolean> {
    return withTx(this.orm, { tenantId }, async (em) => {
      const now = this.clock.now();
      const inc = await incidentsStore.lock(em, tenantId, { id: incidentId });
      if (!inc?.test_of || inc.status === 'resolved') return false;
      const system = systemActor(tenantId);
      const acked =
        inc.status === 'triggered'
          ? await applyTransition(em, this.events, this.alerts, system, inc, 'acknowledge', now, note)
          : inc;
      await applyTransition(em, this.events, this.alerts, system, acked, 'resolve', now, note);
      return true;
    });
  }

  acknowledge(actor: Actor, ref: string): Promise<IncidentDto> {
    return this.act(actor, 'incident:acknowledge', ref, (em, inc, now) =>
      applyTransition(em, this.events, this.alerts, actor, inc, 'acknowledge', now),
    );
  }

  /**
   * Resolves the incident. `note` is what fixed it; `capture` adds its root cause category and whether it goes to
   * the knowledge base (which files it in this transaction, from the `resolved` event).
   */
  resolve(actor: Actor, ref: string, note?: string, capture: ResolutionCapture = {}): Promise<IncidentDto> {
    return this.act(actor, 'incident:resolve', ref, (em, inc, now) =>
      applyTransition(
        em,
        this.events,
        this.alerts,
        actor,
        inc,
        'resolve',
        now,
        note?.trim() || undefined,
        capture,
      ),
    );
  }

  /** The incident's facts in the caller's transaction (the knowledge base), or null when there is none. */
  readonly facts = async (em: Em, tenantId: string, incidentId: string): Promise<IncidentFacts | null> => {
    const row = await incidentsStore.get(em, tenantId, { id: incidentId });
    if (!row) return null;
    return {
      id: row.id,
      number: row.number,
      title: row.title,
      service: row.service,
      environment: row.environment,
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
      acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at).toISOString() : null,
      resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
      assigneeId: row.assignee_id,
      drill: row.drill,
      test: row.test_of !== null,
    };
  };

  async assign(actor: Actor, ref: string, userRef: string): Promise<IncidentDto> {
    return this.act(actor, 'incident:assign', ref, async (em, inc, now) => {
      const user = await incidentsStore.findUser(em, actor.tenantId, userRef.trim());
      if (!user)
        throw AppError.validation(`No user matches "${userRef}". Use a user id, email or Slack user id.`, [
          { field: 'user', message: 'unknown user' },
        ]);
      if (inc.assignee_id === user.id) return inc;
      await incidentsStore.update(em, actor.tenantId, inc.id, { assignee_id: user.id }, now);
      await recordChanges(
        em,
        this.events,
        actor,
        [{ incidentId: inc.id, event: { kind: 'assigned', data: { userId: user.id, userName: user.name } } }],
        now,
      );
      return inc;
    });
  }

  /** Changes the severity and/or title (each a timeline event: `severity_changed` by hand, `title_changed`). */
  async edit(actor: Actor, ref: string, input: EditInput): Promise<IncidentDto> {
    const data = parseInput(editInputSchema, input, 'The change is not valid.');
    return this.act(actor, 'incident:declare', ref, async (em, inc, now) => {
      const { fields, events } = editsOf(inc, data);
      if (events.length === 0) return inc;
      await incidentsStore.update(em, actor.tenantId, inc.id, fields, now);
      const items = events.map((event) => ({ incidentId: inc.id, event }));
      await recordChanges(em, this.events, actor, items, now);
      return inc;
    });
  }

  async addNote(actor: Actor, ref: string, text: string): Promise<IncidentDto> {
    const note = text.trim();
    if (!note)
      throw AppError.validation('A note needs some text.', [{ field: 'text', message: 'must not be empty' }]);
    if (note.length > 10_000)
      throw AppError.validation('A note can be at most 10,000 characters.', [
        { field: 'text', message: 'too long' },
      ]);
    return this.act(actor, 'incident:note', ref, async (em, inc, now) => {
      const event = { kind: 'note', data: { text: note } } as const;
      await recordChanges(em, this.events, actor, [{ incidentId: inc.id, event }], now);
      return inc;
    });
  }

  /**
   * Merges a duplicate incident into another (see mergeIncidents): answers both as the merge left them, and how
   * many alerts, timeline entries and pages moved.
   */
  async merge(actor: Actor, ref: string, input: MergeInput | unknown): Promise<MergeResultDto> {
    authorize(actor, 'incident:merge');
    const refs = mergeRefs(ref, input);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const deps = { sink: this.events, alerts: this.alerts, pages: this.pages };
      const out = await mergeIncidents(em, deps, actor, refs, this.clock.now());
      return {
        merged: await this.summary(em, actor, { id: out.sourceId }),
        into: await this.summary(em, actor, { id: out.targetId }),
        moved: out.moved,
      };
    });
  }

  /** The open incidents `ref` may be merged into, most recent first (at most `limit`). */
  async mergeTargets(actor: Actor, ref: string, limit = 100): Promise<IncidentDto[]> {
    authorize(actor, 'incident:read');
    const q = parseIncidentRef(ref);
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await mergeTargetRows(em, actor.tenantId, q, limit);
      if (!rows) throw AppError.notFound(`Incident ${ref}`);
      return rows.map((r) => toIncidentDto(r));
    });
  }

  private async act(
    actor: Actor,
    permission: Permission,
    ref: string,
    fn: (em: OrmEm, inc: IncidentRow, now: Date) => Promise<IncidentRow>,
  ): Promise<IncidentDto> {
    authorize(actor, permission);
    const q = parseIncidentRef(ref);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.clock.now();
      // Same lock order as ingestion: the incident's group first, then its rows.
      const found = await incidentsStore.get(em, actor.tenantId, q);
      if (found?.group_key) await lockGroup(em, actor.tenantId, found.group_key, this.events);
      const inc = await incidentsStore.lock(em, actor.tenantId, q);
      if (!inc) throw AppError.notFound(`Incident ${ref}`);
      const out = await fn(em, inc, now);
      return this.summary(em, actor, { id: out.id });
    });
  }

  /** The incident as the change left it, read in the change's transaction (no second one). */
  private async summary(em: OrmEm, actor: Actor, q: RefQuery): Promise<IncidentDto> {
    const row: IncidentListRow | undefined = await incidentsStore.get(em, actor.tenantId, q);
    if (!row) throw AppError.notFound('Incident');
    const counts = await this.alerts.counts(em, actor.tenantId, [row.id]);
    return toIncidentDto(row, counts.get(row.id));
  }

  /** Every tenant's open incidents by severity, for the metrics gauge (system scope). */
  async openCountsBySeverity(): Promise<{ severity: number; n: number }[]> {
    return withEm(this.orm, 'system', (em) => incidentsStore.countOpenBySeverity(em));
  }
}
