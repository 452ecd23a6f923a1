/**
 * Filing a resolution, in the transaction that records it: the incident's signature (frozen the first time), its
 * resolution row, and — when it is marked for the knowledge base and says what fixed it — the entry of its
 * signature, created or updated, with a version kept.
 */
import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';
import { type IncidentFacts, incidentRef } from '../incidents/index.js';
import { entriesStore } from './entries.store.js';
import { knowledgeStore } from './knowledge.store.js';
import type { RootCause } from './knowledge.types.js';
import { incidentSignature, type SignatureAlert } from './signature.calc.js';

/** What the knowledge domain reads of incidents and their alerts, in the caller's transaction. */
export interface KnowledgePorts {
  facts(em: Em, tenantId: string, incidentId: string): Promise<IncidentFacts | null>;
  alerts(em: Em, tenantId: string, incidentId: string, limit?: number): Promise<SignatureAlert[]>;
}

/** How many of an incident's alerts its signature is computed from (names are deduplicated anyway). */
const SIGNATURE_ALERTS = 500;

/** The incident's signature: the frozen one, else computed from its alerts now and frozen. */
export async function signatureIn(
  em: Em,
  ports: KnowledgePorts,
  facts: IncidentFacts,
  tenantId: string,
  at: Date,
) {
  const frozen = await knowledgeStore.frozenSignature(em, tenantId, facts.id);
  if (frozen) return frozen;
  const alerts = await ports.alerts(em, tenantId, facts.id, SIGNATURE_ALERTS);
  const computed = incidentSignature(facts.service, alerts, facts.title);
  return knowledgeStore.freezeSignature(em, tenantId, facts.id, computed, at);
}

export interface Filing {
  /** What fixed it (null: not told). */
  fix: string | null;
  cause: RootCause | null;
  /** Marked for the knowledge base. */
  kb: boolean;
  /** Resolved by OpsWatch itself (every alert resolved). */
  auto: boolean;
  /** Told after the resolve (by the DM's form): who resolved it stays as it was. */
  late: boolean;
}

/** A line of an entry's resolution: `- INC-42 (2026-12-01, config, Bob): restarted pgbouncer`. */
export function fixLine(number: number, at: Date, cause: RootCause | null, who: string, fix: string): string {
  const parts = [at.toISOString().slice(0, 10), ...(cause ? [cause] : []), who];
  return `- ${incidentRef(number)} (${parts.join(', ')}): ${fix.replace(/\s*\n\s*/g, ' ')}`;
}

export async function fileResolution(
  em: Em,
  ports: KnowledgePorts,
  actor: Actor,
  incidentId: string,
  at: Date,
  f: Filing,
): Promise<void> {
  const tenantId = actor.tenantId;
  const facts = await ports.facts(em, tenantId, incidentId);
  // Test pages and fire drills are rehearsals, not occurrences of a problem.
  if (!facts || facts.test || facts.drill) return;
  const signature = await signatureIn(em, ports, facts, tenantId, at);
  const resolvedAt = f.late && facts.resolvedAt ? new Date(facts.resolvedAt) : at;
  const openedAt = new Date(facts.createdAt);
  const told = f.fix !== null || f.cause !== null;
  await knowledgeStore.upsertResolution(em, tenantId, {
    incidentId,
    incidentNumber: facts.number,
    signature,
    service: facts.service,
    openedAt: openedAt.toISOString(),
    resolvedAt: resolvedAt.toISOString(),
    resolveSeconds: Math.max(0, Math.round((resolvedAt.getTime() - openedAt.getTime()) / 1000)),
    resolvedBy: f.late
      ? { kind: 'system', id: null, name: 'OpsWatch' }
      : { kind: actor.kind, id: actor.id, name: actor.name },
    autoResolved: f.auto || f.late,
    fix: f.fix,
    rootCause: f.cause,
    addToKb: f.kb,
    captured: told && actor.kind !== 'system' ? { id: actor.id, name: actor.name, at } : null,
  });
  if (f.kb && f.fix) {
    const line = fixLine(facts.number, resolvedAt, f.cause, actor.name, f.fix);
    const entry = await entriesStore.lockEntryBySignature(em, tenantId, signature);
    let entryId: string;
    if (entry) {
      entryId = entry.id;
      const resolution = entry.resolution.includes(line)
        ? entry.resolution
        : [entry.resolution.trimEnd(), line].filter(Boolean).join('\n');
      await entriesStore.updateEntry(
        em,
        tenantId,
        entry.id,
        {
          title: entry.title,
          symptoms: entry.symptoms,
          resolution,
          signature,
          rootCause: f.cause ?? (entry.root_cause as RootCause | null),
        },
        at,
      );
    } else {
      entryId = newId();
      const number = await entriesStore.nextNumber(em, tenantId);
      const fields = {
        title: facts.title,
        symptoms: `Incidents of service ${facts.service} with the signature \`${signature}\`.`,
        resolution: `What fixed it:\n${line}`,
        signature,
        rootCause: f.cause,
      };
      await entriesStore.insertEntry(em, tenantId, entryId, number, fields, at);
    }
    await entriesStore.snapshot(em, tenantId, entryId, actor, at);
    await knowledgeStore.setResolutionEntry(em, tenantId, incidentId, entryId);
  }
  await entriesStore.refreshSignature(em, tenantId, signature, at);
}
