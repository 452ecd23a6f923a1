/**
 * `slas:` in `opswatch apply`: each SLA as POST /api/v1/slas takes it (the same schema), one per service and
 * metric across the files; an SLA saying what its current version says makes no new version.
 */
import { z } from 'zod';
import type { Services } from '../app/services.js';
import { type SlaInput, slaInputSchema } from '../domains/sla/index.js';
import type { Actor } from '../shared/actor.js';

export const slasSchema = z.array(slaInputSchema).default([]);

/** One SLA per service and metric across the files. */
export function slaProblems(files: readonly { name: string; slas: readonly SlaInput[] }[]): string[] {
  const out: string[] = [];
  const seen = new Map<string, string>();
  for (const f of files)
    f.slas.forEach((s, i) => {
      const at = `${f.name}: slas[${i}]`;
      const k = `${s.service}/${s.metric}`;
      if (seen.has(k)) out.push(`${at}: the SLA "${k}" is also defined at ${seen.get(k)}`);
      seen.set(k, at);
    });
  return out;
}

export async function applySlas(
  services: Pick<Services, 'sla'>,
  actor: Actor,
  slas: readonly SlaInput[],
): Promise<string[]> {
  const changes: string[] = [];
  for (const s of slas) {
    const { sla, outcome } = await services.sla.apply(actor, s);
    changes.push(
      `sla "${s.service}/${s.metric}": ${outcome}${outcome === 'unchanged' ? '' : ` (version ${sla.version})`}`,
    );
  }
  return changes;
}
