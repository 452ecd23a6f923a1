import type { MikroORM } from '@mikro-orm/postgresql';
import type { OrmEm } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import {
  type IncidentDto,
  incidentRef,
  parseIncidentRef,
  type ResolutionCapture,
  type TimelineEvent,
} from '../incidents/index.js';
import { entriesStore } from './entries.store.js';
import { type KnowledgePorts, signatureIn } from './knowledge.capture.js';
import { toEntryDto, toHint, toResolutionDto, toVersionDto } from './knowledge.mapper.js';
import { type EntryFields, type EntryRow, knowledgeStore } from './knowledge.store.js';
import {
  type CaptureInput,
  captureInputSchema,
  type EntryDto,
  type EntryInput,
  type EntryUpdate,
  type EntryVersionDto,
  entryInputSchema,
  entryRef,
  entryUpdateSchema,
  type KnownProblemHint,
  listEntriesSchema,
  parseEntryRef,
  type ResolutionDto,
  type RootCause,
  type SearchHitDto,
  type SearchQuery,
  searchQuerySchema,
} from './knowledge.types.js';
import { type AskDeps, askPending } from './knowledge-asks.js';

/** What the knowledge service needs of other domains, besides the in-transaction reads. */
export interface KnowledgeDeps extends KnowledgePorts {
  /** An incident by `INC-42`, `42` or id, as `actor` may read it (its own transaction). */
  incidentOf(actor: Actor, ref: string): Promise<{ id: string; number: number; status: string }>;
  /** Resolves it with what fixed it (IncidentsService.resolve): the sink files it in that transaction. */
  resolve(
    actor: Actor,
    ref: string,
    note: string | undefined,
    capture: ResolutionCapture,
  ): Promise<IncidentDto>;
  /** Records an event by `actor` in the caller's transaction (IncidentsService.recordAs). */
  recordAs(em: OrmEm, actor: Actor, incidentId: string, event: TimelineEvent, at: Date): Promise<void>;
}

/**
 * The knowledge base: entries (title, symptoms, resolution in Markdown, signature), their versions and linked
 * incidents, full-text search, the hint a new incident's card and first page show, and each incident's captured
 * resolution.
 */
export class KnowledgeService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly deps: KnowledgeDeps,
    private readonly asks: Omit<AskDeps, 'orm' | 'ports'>,
  ) {}

  /** Asks, once each, what fixed the incidents that resolved by themselves (the engine's `knowledge-asks`). */
  askPending(now: Date): Promise<{ asked: number; skipped: number }> {
    return askPending({ ...this.asks, orm: this.orm, ports: this.deps }, now);
  }

  async list(
    actor: Actor,
    query: { limit?: unknown; offset?: unknown } = {},
  ): Promise<{ items: EntryDto[] }> {
    authorize(actor, 'kb:read');
    const { limit, offset } = parseInput(listEntriesSchema, query, 'The list query is not valid.');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await entriesStore.list(em, actor.tenantId, limit, offset);
      return { items: await this.dtos(em, actor.tenantId, rows) };
    });
  }

  async get(actor: Actor, ref: string): Promise<EntryDto> {
    authorize(actor, 'kb:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await entriesStore.entry(em, actor.tenantId, parseEntryRef(ref));
      if (!row) throw AppError.notFound(`Knowledge base entry ${ref}`);
      return this.dto(em, actor.tenantId, row);
    });
  }

  async bySignature(actor: Actor, signature: string): Promise<EntryDto> {
    authorize(actor, 'kb:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await entriesStore.entryBySignature(em, actor.tenantId, signature.trim());
      if (!row) throw AppError.notFound(`A knowledge base entry for signature "${signature}"`);
      return this.dto(em, actor.tenantId, row);
    });
  }

  async versions(actor: Actor, ref: string): Promise<EntryVersionDto[]> {
    authorize(actor, 'kb:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await entriesStore.entry(em, actor.tenantId, parseEntryRef(ref));
      if (!row) throw AppError.notFound(`Knowledge base entry ${ref}`);
      return (await entriesStore.versions(em, actor.tenantId, row.id)).map(toVersionDto);
    });
  }

  /** Full-text search (websearch syntax), best first, with highlighted snippets. */
  async search(actor: Actor, input: SearchQuery): Promise<{ items: SearchHitDto[] }> {
    authorize(actor, 'kb:read');
    const { q, limit } = parseInput(searchQuerySchema, input, 'The search is not valid.');
    if (!q.trim()) return { items: [] };
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await entriesStore.search(em, actor.tenantId, q, limit);
      return {
        items: rows.map((r) => ({
          id: r.id,
          number: r.number,
          ref: entryRef(r.number),
          title: r.title,
          signature: r.signature,
          rootCause: r.root_cause as RootCause | null,
          occurrences: r.occurrences,
          rank: Math.round(Number(r.rank) * 10_000) / 10_000,
          snippet: r.snippet,
        })),
      };
    });
  }

  async create(actor: Actor, input: EntryInput): Promise<EntryDto> {
    authorize(actor, 'kb:write');
    const data = parseInput(entryInputSchema, input, 'The knowledge base entry is not valid.');
    const links = await this.incidents(actor, data.incidents ?? []);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.clock.now();
      const fields: EntryFields = {
        title: data.title,
        symptoms: data.symptoms,
        resolution: data.resolution,
        signature: data.signature ?? null,
        rootCause: data.rootCause ?? null,
      };
      await this.signatureFree(em, actor.tenantId, fields.signature, null);
      const id = newId();
      const number = await entriesStore.nextNumber(em, actor.tenantId);
      await entriesStore.insertEntry(em, actor.tenantId, id, number, fields, now);
      await this.afterWrite(em, actor, id, fields.signature, links, now, 'kb_entry.created');
      return this.dto(em, actor.tenantId, await this.must(em, actor.tenantId, id));
    });
  }

  async update(actor: Actor, ref: string, input: EntryUpdate): Promise<EntryDto> {
    authorize(actor, 'kb:write');
    const data = parseInput(entryUpdateSchema, input, 'The change to the knowledge base entry is not valid.');
    const links = await this.incidents(actor, data.incidents ?? []);
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const now = this.clock.now();
      const row = await entriesStore.entry(em, actor.tenantId, parseEntryRef(ref), true);
      if (!row) throw AppError.notFound(`Knowledge base entry ${ref}`);
      if (data.version !== undefined && data.version !== row.version)
        throw AppError.conflict(
          `${entryRef(row.number)} changed since version ${data.version} (it is at version ${row.version}): read it again and redo your edit.`,
        );
      const fields: EntryFields = {
        title: data.title ?? row.title,
        symptoms: data.symptoms ?? row.symptoms,
        resolution: data.resolution ?? row.resolution,
        signature: data.signature === undefined ? row.signature : data.signature,
        rootCause: data.rootCause === undefined ? (row.root_cause as RootCause | null) : data.rootCause,
      };
      await this.signatureFree(em, actor.tenantId, fields.signature, row.id);
      await entriesStore.updateEntry(em, actor.tenantId, row.id, fields, now);
      await this.afterWrite(em, actor, row.id, fields.signature, links, now, 'kb_entry.updated');
      return this.dto(em, actor.tenantId, await this.must(em, actor.tenantId, row.id));
    });
  }

  /**
   * The resolve form (Slack) and the DM's form: an open incident is resolved with what fixed it; one already
   * resolved (it resolved by itself) gets what fixed it on its timeline (`resolution_captured`). Either way the
   * knowledge base files it in that transaction. Answers whether the incident was resolved now.
   */
  async resolveWithCapture(
    actor: Actor,
    ref: string,
    input: CaptureInput,
  ): Promise<{ ref: string; resolved: boolean }> {
    authorize(actor, 'incident:resolve');
    const data = parseInput(captureInputSchema, input, 'What fixed it is not valid.');
    const fix = data.fix?.trim() || undefined;
    const inc = await this.deps.incidentOf(actor, ref);
    const kb = data.addToKnowledgeBase ?? true;
    if (inc.status !== 'resolved') {
      try {
        const done = await this.deps.resolve(actor, inc.id, fix, { cause: data.rootCause, kb });
        return { ref: done.ref, resolved: true };
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      }
    }
    const event: TimelineEvent = {
      kind: 'resolution_captured',
      data: { fix: fix ?? null, cause: data.rootCause ?? 'unknown', kb },
    };
    await withTx(this.orm, { tenantId: actor.tenantId }, (em) =>
      this.deps.recordAs(em, actor, inc.id, event, this.clock.now()),
    );
    return { ref: incidentRef(inc.number), resolved: false };
  }

  /**
   * What the card and the first page of a new incident show about its signature: earlier occurrences, the last
   * fix and the entry. Null when nothing is known, or when the incident is resolved. Read when the card or page is
   * rendered (off the webhook's path); freezes the incident's signature the first time.
   */
  async hintFor(actor: Actor, incidentId: string): Promise<KnownProblemHint | null> {
    authorize(actor, 'kb:read');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const facts = await this.deps.facts(em, actor.tenantId, incidentId);
      if (!facts || facts.status === 'resolved' || facts.test) return null;
      const signature = await signatureIn(em, this.deps, facts, actor.tenantId, this.clock.now());
      return toHint(signature, await knowledgeStore.hint(em, actor.tenantId, signature, facts.id));
    });
  }

  /**
   * An incident's captured resolution — what fixed it, root cause category, who, when — or null when it has none
   * (not resolved, or resolved before the knowledge base existed). `ref`: `INC-42`, `42` or the incident's id.
   */
  async resolutionOf(actor: Actor, ref: string): Promise<ResolutionDto | null> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, (em) => this.resolutionIn(em, actor.tenantId, ref));
  }

  /** `resolutionOf` in the caller's transaction (for a domain composing it into its own). */
  readonly resolutionIn = async (em: OrmEm, tenantId: string, ref: string): Promise<ResolutionDto | null> => {
    const row = await knowledgeStore.resolution(em, tenantId, parseIncidentRef(ref));
    return row ? toResolutionDto(row) : null;
  };

  private async incidents(actor: Actor, refs: string[]): Promise<{ id: string; number: number }[]> {
    const out: { id: string; number: number }[] = [];
    for (const ref of refs) {
      try {
        out.push(await this.deps.incidentOf(actor, ref));
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found')
          throw AppError.validation(`Incident ${ref} was not found.`, [
            { field: 'incidents', message: `no incident ${ref}` },
          ]);
        throw err;
      }
    }
    return out;
  }

  private async signatureFree(em: OrmEm, tenantId: string, signature: string | null, self: string | null) {
    if (!signature) return;
    const other = await entriesStore.entryBySignature(em, tenantId, signature);
    if (other && other.id !== self)
      throw AppError.conflict(
        `${entryRef(other.number)} already answers the signature "${signature}": edit it instead.`,
      );
  }

  private async afterWrite(
    em: OrmEm,
    actor: Actor,
    id: string,
    signature: string | null,
    links: { id: string; number: number }[],
    at: Date,
    action: string,
  ): Promise<void> {
    await entriesStore.link(em, actor.tenantId, id, links, at);
    if (signature) await entriesStore.refreshSignature(em, actor.tenantId, signature, at);
    await entriesStore.snapshot(em, actor.tenantId, id, actor, at);
    await recordAudit(em, actor, { action, targetType: 'kb_entry', targetId: id }, at);
  }

  private async must(em: OrmEm, tenantId: string, id: string): Promise<EntryRow> {
    const row = await entriesStore.entry(em, tenantId, { id });
    if (!row) throw AppError.notFound('Knowledge base entry');
    return row;
  }

  private async dto(em: OrmEm, tenantId: string, row: EntryRow): Promise<EntryDto> {
    return (await this.dtos(em, tenantId, [row]))[0]!;
  }

  private async dtos(em: OrmEm, tenantId: string, rows: EntryRow[]): Promise<EntryDto[]> {
    const linked = await entriesStore.linked(
      em,
      tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((r) =>
      toEntryDto(
        r,
        linked.filter((l) => l.entry_id === r.id),
      ),
    );
  }
}
