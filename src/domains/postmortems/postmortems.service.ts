import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { allowed, authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { type IncidentDetailDto, parseIncidentRef, type TimelineEvent } from '../incidents/index.js';
import { peopleByIds } from '../tenants/index.js';
import { draftFacts } from './draft.calc.js';
import { postmortemMarkdown } from './markdown.calc.js';
import { contentOf, toPostmortemDto } from './postmortems.mapper.js';
import { type PostmortemRow, postmortemsStore } from './postmortems.store.js';
import {
  type PostmortemDto,
  type PostmortemPatch,
  type PostmortemSettings,
  postmortemPatchSchema,
  postmortemSettingsSchema,
  STATUS_LABELS,
  STATUS_STEPS,
  WRITTEN_SECTIONS,
} from './postmortems.types.js';
import { type ResolutionSource, resolutionFor } from './resolution-for.js';

/** What the postmortems domain needs of others, wired by the composition root. */
export interface PostmortemDeps {
  clock: Clock;
  /** The incident with its alerts and timeline (IncidentsService.get). */
  incident: (actor: Actor, ref: string) => Promise<IncidentDetailDto>;
  /** Records an event on the incident's timeline in the caller's transaction (IncidentsService.recordAs). */
  recordAs: (em: Em, actor: Actor, incidentId: string, event: TimelineEvent, at: Date) => Promise<void>;
  /** The tenant's settings (TenantsService.settings). */
  settings: (tenantId: string) => Promise<Record<string, unknown>>;
  /** Where the draft's resolution comes from (default: the resolved event's note; see resolution-for.ts). */
  resolutionFor?: ResolutionSource;
}

/** The published notice's summary: the start of the Summary section. */
const NOTICE_SUMMARY_MAX = 1500;

export const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/**
 * Postmortems: a draft made from what OpsWatch recorded of a resolved incident, edited (REST, Slack), reviewed
 * and published. Publishing records `postmortem_published` on the incident's timeline, in the same transaction,
 * which posts the summary under the incident's card (and wherever else the incident's replies go).
 */
export class PostmortemsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly deps: PostmortemDeps,
  ) {}

  async settings(tenantId: string): Promise<PostmortemSettings> {
    const raw = (await this.deps.settings(tenantId)).postmortems ?? {};
    const parsed = postmortemSettingsSchema.safeParse(raw);
    return parsed.success ? parsed.data : postmortemSettingsSchema.parse({});
  }

  async settingsFor(actor: Actor): Promise<PostmortemSettings> {
    authorize(actor, 'settings:read');
    return this.settings(actor.tenantId);
  }

  /** Whether a resolved incident of this severity offers the "Postmortem" button on its card. */
  async offersButton(tenantId: string, severity: number): Promise<boolean> {
    return (await this.settings(tenantId)).buttonSeverities.includes(severity);
  }

  /**
   * Makes the incident's draft (`created`), or answers the one it has. The incident must be resolved: the draft's
   * figures and timeline are the incident's, start to end.
   */
  async create(actor: Actor, ref: string): Promise<{ postmortem: PostmortemDto; created: boolean }> {
    authorize(actor, 'postmortem:write');
    const incident = await this.deps.incident(actor, ref);
    if (incident.status !== 'resolved')
      throw AppError.conflict(
        `${incident.ref} is not resolved yet: a postmortem is drafted once the incident is over.`,
      );
    const settings = await this.settings(actor.tenantId);
    const facts = draftFacts(incident, settings.timeZone);
    const resolution = await (this.deps.resolutionFor ?? resolutionFor)(actor, incident);
    const content = contentOf({ resolution });
    const now = this.deps.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const existing = await postmortemsStore.byIncident(em, actor.tenantId, incident.id);
      if (existing) return { postmortem: await this.dto(em, existing), created: false };
      const row = await postmortemsStore.insert(
        em,
        actor.tenantId,
        { incidentId: incident.id, title: incident.title, facts, content, by: actor.name },
        now,
      );
      const made = row ?? (await postmortemsStore.byIncident(em, actor.tenantId, incident.id));
      if (!made) throw AppError.conflict(`${incident.ref}'s postmortem could not be made; try again.`);
      if (row)
        await recordAudit(
          em,
          actor,
          {
            action: 'postmortem.created',
            targetType: 'postmortem',
            targetId: row.id,
            data: { incident: incident.ref },
          },
          now,
        );
      return { postmortem: await this.dto(em, made), created: Boolean(row) };
    });
  }

  async get(actor: Actor, ref: string): Promise<PostmortemDto> {
    authorize(actor, 'postmortem:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      this.dto(em, await this.find(em, actor.tenantId, ref)),
    );
  }

  /** The whole document as Markdown. */
  async markdown(actor: Actor, ref: string): Promise<string> {
    return postmortemMarkdown(await this.get(actor, ref));
  }

  /**
   * Changes the fields given (sections, impact, title) and/or moves the status along. Publishing takes
   * `postmortem:publish` (responders: on incidents they own) and posts the summary once: published is final.
   */
  async update(actor: Actor, ref: string, patch: PostmortemPatch | unknown): Promise<PostmortemDto> {
    authorize(actor, 'postmortem:write');
    const p = parseInput(postmortemPatchSchema, patch, 'The postmortem change is not valid.');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.deps.clock.now();
      const row = await this.find(em, actor.tenantId, ref, true);
      const name = `${row.facts.incident.ref}'s postmortem`;
      if (p.version !== undefined && p.version !== row.version)
        throw AppError.conflict(
          `${name} changed since you read it (version ${row.version}, you had ${p.version}); read it again.`,
        );
      if (row.status === 'published') throw AppError.conflict(`${name} is published: it no longer changes.`);
      const status = p.status ?? row.status;
      if (status !== row.status && !STATUS_STEPS[row.status].includes(status))
        throw AppError.conflict(
          `${name} is ${STATUS_LABELS[row.status].toLowerCase()}: it can go to ${
            STATUS_STEPS[row.status].map((s) => STATUS_LABELS[s].toLowerCase()).join(' or ') || 'nothing else'
          }, not ${STATUS_LABELS[status].toLowerCase()}.`,
        );
      const publishing = status === 'published';
      if (publishing) authorize(actor, 'postmortem:publish', { owners: [row.facts.owner?.id] });
      const content = contentOf(row.content);
      for (const s of WRITTEN_SECTIONS) if (p[s] !== undefined) content[s] = p[s];
      if (p.usersAffected !== undefined) content.usersAffected = p.usersAffected;
      if (p.revenue !== undefined) content.revenue = p.revenue;
      const title = p.title ?? row.title;
      const published = publishing ? { at: now, by: actor.name } : undefined;
      const updated = await postmortemsStore.update(
        em,
        actor.tenantId,
        row.id,
        { title, status, content, ...(published ? { published } : {}) },
        now,
      );
      if (!updated) throw AppError.notFound(name);
      const changed = Object.keys(p).filter((k) => k !== 'version');
      await recordAudit(
        em,
        actor,
        {
          action: publishing ? 'postmortem.published' : 'postmortem.updated',
          targetType: 'postmortem',
          targetId: row.id,
          data: { incident: row.facts.incident.ref, fields: changed, status },
        },
        now,
      );
      if (publishing) await this.announce(em, actor, updated, now);
      return this.dto(em, updated);
    });
  }

  /** Whether `actor` may publish the postmortem of an incident owned by `ownerId`. */
  mayPublish(actor: Actor, ownerId: string | null): boolean {
    return allowed(actor, 'postmortem:publish', { owners: [ownerId] });
  }

  private async announce(em: Em, actor: Actor, row: PostmortemRow, now: Date): Promise<void> {
    const items = await postmortemsStore.items(em, actor.tenantId, row.id);
    const summary = clip(contentOf(row.content).summary.trim(), NOTICE_SUMMARY_MAX);
    const event: TimelineEvent = {
      kind: 'postmortem_published',
      data: {
        postmortemId: row.id,
        title: row.title,
        summary,
        mttaMs: row.facts.figures.mttaMs,
        mttrMs: row.facts.figures.mttrMs,
        actionItems: items.length,
      },
    };
    await this.deps.recordAs(em, actor, row.incident_id, event, now);
  }

  /** The postmortem of the incident `ref`, or a 404 saying how to make one. */
  async find(em: Em, tenantId: string, ref: string, lock = false): Promise<PostmortemRow> {
    const row = await postmortemsStore.byRef(em, tenantId, parseIncidentRef(ref), lock);
    if (!row)
      throw new AppError(
        'not_found',
        `${ref} has no postmortem yet. Make its draft with \`/postmortem ${ref}\` or POST /api/v1/incidents/${ref}/postmortem.`,
      );
    return row;
  }

  async dto(em: Em, row: PostmortemRow): Promise<PostmortemDto> {
    const items = await postmortemsStore.items(em, row.tenant_id, row.id);
    const owners = items.map((i) => i.owner_id).filter((id): id is string => Boolean(id));
    const people = await peopleByIds(em, row.tenant_id, owners);
    return toPostmortemDto(row, items, people, this.deps.clock.now());
  }
}
