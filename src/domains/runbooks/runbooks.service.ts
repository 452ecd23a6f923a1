import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, type FieldProblem, isAppError, parseInput } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import type { IncidentNoticesRecorder } from '../incidents/index.js';
import { actionsProblems } from './actions.types.js';
import { fieldChanges, markdownDiff, sameContent } from './diff.calc.js';
import { contentOf, toRunbookDto, toSummaryDto, toVersionDto } from './runbooks.mapper.js';
import { type RunbookRow, runbooksStore } from './runbooks.store.js';
import {
  type ApplyOutcome,
  type AttachedRunbookDto,
  type RunbookActionRef,
  type RunbookContent,
  type RunbookDiffDto,
  type RunbookDto,
  type RunbookSummaryDto,
  type RunbookTemplateDto,
  type RunbookVersionDto,
  runbookInputSchema,
  runbookUpdateSchema,
  slugOf,
} from './runbooks.types.js';
import { attachPending } from './runbooks-attach.js';
import { RUNBOOK_TEMPLATES } from './templates.js';

/** A slug taken (by a runbook found first, or one written meanwhile: the unique index) is a 409 naming `slug`. */
const slugTaken =
  (slug: string) =>
  (err: unknown): never => {
    if ((err as { code?: string }).code !== '23505') throw err;
    throw new AppError('conflict', `A runbook with slug "${slug}" exists already.`, [
      { field: 'slug', message: 'already taken' },
    ]);
  };

export interface RunbooksDeps {
  orm: MikroORM;
  clock: Clock;
  /** Kubernetes namespaces actions may target (`KUBERNETES_ALLOWED_NAMESPACES`). */
  namespaces: readonly string[];
  /** Records `runbook_attached` on incidents (IncidentsService.recordNotices): event sinks see it. */
  recordNotices: IncidentNoticesRecorder;
}

/**
 * Runbooks: Markdown with matchers and actions, versioned (every edit is a new, immutable version), soft-deleted,
 * attached to incidents by the engine (`attachPending`), read by the run pipeline (`actionOf`, `attachedTo`).
 */
export class RunbooksService {
  constructor(private readonly d: RunbooksDeps) {}

  async list(actor: Actor, f: { service?: string } = {}): Promise<RunbookSummaryDto[]> {
    authorize(actor, 'runbook:read');
    const rows = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      runbooksStore.list(em, actor.tenantId, f.service?.trim() || undefined),
    );
    return rows.map(toSummaryDto);
  }

  async get(actor: Actor, ref: string): Promise<RunbookDto> {
    authorize(actor, 'runbook:read');
    return withEm(this.d.orm, { tenantId: actor.tenantId }, async (em) =>
      toRunbookDto(await this.load(em, actor.tenantId, ref)),
    );
  }

  templates(actor: Actor): RunbookTemplateDto[] {
    authorize(actor, 'runbook:read');
    return RUNBOOK_TEMPLATES;
  }

  async create(actor: Actor, input: unknown): Promise<RunbookDto> {
    authorize(actor, 'runbook:write');
    const content = this.content(actor, input);
    return withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) =>
      toRunbookDto(await this.insert(em, actor, content)),
    );
  }

  /** Changes the fields given; a new version unless nothing changed. */
  async update(actor: Actor, ref: string, input: unknown): Promise<RunbookDto> {
    authorize(actor, 'runbook:write');
    const patch = parseInput(runbookUpdateSchema, input, 'The runbook is not valid.');
    return withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, ref, true);
      const before = contentOf(row);
      const next = this.checked({
        name: patch.name ?? before.name,
        slug: patch.slug ?? before.slug,
        owner: patch.owner ?? before.owner,
        service: patch.service === undefined ? before.service : patch.service,
        url: patch.url === undefined ? before.url : patch.url,
        matchers: patch.matchers ?? before.matchers,
        markdown: patch.markdown ?? before.markdown,
        actions: patch.actions ?? before.actions,
      });
      return toRunbookDto(await this.revise(em, actor, row, next));
    });
  }

  /** `opswatch apply`: creates the runbook of this slug, or revises it when its content changed. */
  async apply(actor: Actor, input: unknown): Promise<{ runbook: RunbookDto; outcome: ApplyOutcome }> {
    authorize(actor, 'runbook:write');
    const content = this.content(actor, input);
    const ownerGiven = typeof input === 'object' && input !== null && 'owner' in input && !!input.owner;
    return withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await runbooksStore.get(em, actor.tenantId, content.slug, true);
      if (!row) return { runbook: toRunbookDto(await this.insert(em, actor, content)), outcome: 'created' };
      const owner = ownerGiven ? content.owner : row.owner;
      const next = { ...content, owner };
      if (sameContent(contentOf(row), next)) return { runbook: toRunbookDto(row), outcome: 'unchanged' };
      return { runbook: toRunbookDto(await this.revise(em, actor, row, next)), outcome: 'updated' };
    });
  }

  /** The slug a runbook of this name gets when none is given. */
  slugFor(name: string): string {
    return slugOf(name);
  }

  /** What is wrong with a runbook (each field at fault), without writing anything (`opswatch apply` checks first). */
  problems(actor: Actor, input: unknown): FieldProblem[] {
    authorize(actor, 'runbook:write');
    try {
      this.content(actor, input);
      return [];
    } catch (err) {
      if (isAppError(err) && err.code === 'validation') return err.fields;
      throw err;
    }
  }

  /** Deletes it (soft: its versions and the incidents' attachments stay); its slug is free again. */
  async remove(actor: Actor, ref: string): Promise<void> {
    authorize(actor, 'runbook:write');
    await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, ref, true);
      const now = this.d.clock.now();
      await runbooksStore.softDelete(em, actor.tenantId, row.id, now);
      await this.audit(em, actor, 'runbook.deleted', row.id, { slug: row.slug, version: row.version }, now);
    });
  }

  async versions(actor: Actor, ref: string): Promise<RunbookVersionDto[]> {
    authorize(actor, 'runbook:read');
    return withEm(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, ref);
      return (await runbooksStore.versions(em, actor.tenantId, row.id)).map(toVersionDto);
    });
  }

  /** What changed from version `from` to version `to`: a unified diff of the Markdown, and the other fields. */
  async diff(actor: Actor, ref: string, from: number, to: number): Promise<RunbookDiffDto> {
    authorize(actor, 'runbook:read');
    return withEm(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, ref);
      const [a, b] = await Promise.all(
        [from, to].map(async (v, i) => {
          const found =
            Number.isInteger(v) && v >= 1 && (await runbooksStore.version(em, actor.tenantId, row.id, v));
          if (!found)
            throw AppError.notFound(
              `Version ${Number.isFinite(v) ? v : '?'} of runbook ${row.slug} (${i ? 'to' : 'from'})`,
            );
          return found;
        }),
      );
      const ca = contentOf(a!);
      const cb = contentOf(b!);
      return {
        runbookId: row.id,
        from,
        to,
        markdown: markdownDiff(row.slug, from, to, ca.markdown, cb.markdown),
        fields: fieldChanges(ca, cb),
      };
    });
  }

  /**
   * One action of one version of a runbook (a deleted runbook's too), with that version's actions (a rollback is
   * another of them); null when there is no such runbook, version or action. In `em` when given (its
   * transaction), else in a read of its own.
   */
  async actionOf(
    tenantId: string,
    runbookId: string,
    version: number,
    actionName: string,
    em?: Em,
  ): Promise<RunbookActionRef | null> {
    const read = async (e: Em): Promise<RunbookActionRef | null> => {
      const v = await runbooksStore.version(e, tenantId, runbookId, version);
      const action = v?.actions.find((a) => a.name === actionName);
      if (!v || !action) return null;
      return {
        runbook: { id: v.runbook_id, slug: v.slug, name: v.name, version: v.version },
        action,
        actions: v.actions,
      };
    };
    return em ? read(em) : withEm(this.d.orm, { tenantId }, read);
  }

  /** The runbooks attached to an incident, each with its attached version's actions (oldest attachment first). */
  async attachedTo(tenantId: string, incidentId: string, em?: Em): Promise<AttachedRunbookDto[]> {
    const read = async (e: Em) =>
      (await runbooksStore.attachedTo(e, tenantId, incidentId)).map((r) => ({
        runbookId: r.runbook_id,
        slug: r.slug,
        name: r.name,
        version: r.version,
        reason: r.reason,
        attachedAt: new Date(r.attached_at).toISOString(),
        actions: r.actions,
      }));
    return em ? read(em) : withEm(this.d.orm, { tenantId }, read);
  }

  /** The engine's `runbooks-attach`: attaches runbooks to incidents opened or joined by alerts since last time. */
  attachPending(now: Date): Promise<{ scanned: number; attached: number }> {
    return attachPending(this.d, now);
  }

  private content(actor: Actor, input: unknown): RunbookContent {
    const data = parseInput(runbookInputSchema, input, 'The runbook is not valid.');
    return this.checked({
      name: data.name,
      slug: data.slug ?? slugOf(data.name),
      owner: data.owner ?? actor.name,
      service: data.service ?? null,
      url: data.url ?? null,
      matchers: data.matchers ?? [],
      markdown: data.markdown,
      actions: data.actions ?? [],
    });
  }

  private checked(c: RunbookContent): RunbookContent {
    const problems = actionsProblems(c.actions, this.d.namespaces);
    if (problems.length) throw AppError.validation('The runbook is not valid.', problems);
    return c;
  }

  private async insert(em: Em, actor: Actor, c: RunbookContent): Promise<RunbookRow> {
    await this.slugFree(em, actor.tenantId, c.slug, null);
    const now = this.d.clock.now();
    const id = newId();
    await runbooksStore.insert(em, actor.tenantId, id, c, now).catch(slugTaken(c.slug));
    await runbooksStore.insertVersion(em, actor.tenantId, id, 1, c, actor, now);
    await this.audit(em, actor, 'runbook.created', id, { slug: c.slug, version: 1 }, now);
    return {
      id,
      tenant_id: actor.tenantId,
      ...c,
      version: 1,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
  }

  private async revise(em: Em, actor: Actor, row: RunbookRow, c: RunbookContent): Promise<RunbookRow> {
    if (sameContent(contentOf(row), c)) return row;
    if (c.slug !== row.slug) await this.slugFree(em, actor.tenantId, c.slug, row.id);
    const now = this.d.clock.now();
    const version = row.version + 1;
    await runbooksStore.update(em, actor.tenantId, row.id, c, version, now).catch(slugTaken(c.slug));
    await runbooksStore.insertVersion(em, actor.tenantId, row.id, version, c, actor, now);
    await this.audit(em, actor, 'runbook.updated', row.id, { slug: c.slug, version }, now);
    return { ...row, ...c, version, updated_at: now };
  }

  private async slugFree(em: Em, tenantId: string, slug: string, self: string | null): Promise<void> {
    const other = await runbooksStore.get(em, tenantId, slug);
    if (other && other.id !== self) slugTaken(slug)({ code: '23505' });
  }

  private async load(em: Em, tenantId: string, ref: string, lock = false): Promise<RunbookRow> {
    const row = await runbooksStore.get(em, tenantId, ref.trim(), lock);
    if (!row) throw AppError.notFound(`Runbook ${ref}`);
    return row;
  }

  private audit(em: Em, actor: Actor, action: string, id: string, data: Record<string, unknown>, at: Date) {
    return recordAudit(em, actor, { action, targetType: 'runbook', targetId: id, data }, at);
  }
}
