/**
 * `runbooks:` in `opswatch apply`: each runbook as the REST API takes it, with its Markdown inline (`markdown:`) or
 * in a file next to the YAML (`markdownFile: ./high-error-rate.md`, resolved relative to the YAML file). Upserted
 * by slug (made from the name when not given); applying the same content again makes no new version.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { Services } from '../app/services.js';
import type { Actor } from '../shared/actor.js';

export const applyRunbookSchema = z
  .looseObject({
    name: z.string({ error: 'a name is required' }),
    markdown: z.string().optional(),
    markdownFile: z.string().min(1).optional(),
  })
  .refine((r) => (r.markdown === undefined) !== (r.markdownFile === undefined), {
    message: 'give either markdown (inline) or markdownFile (a file next to the YAML), not both',
    path: ['markdown'],
  });
export type ApplyRunbook = z.output<typeof applyRunbookSchema>;

/**
 * The runbooks of one file with their Markdown read (null where the file could not be read: the problem is listed
 * as `file: runbooks[0].markdownFile: …`).
 */
export function resolveRunbooks(
  runbooks: readonly ApplyRunbook[],
  src: { name: string; path?: string },
  problems: string[],
): (Record<string, unknown> | null)[] {
  const dir = dirname(resolve(src.path ?? src.name));
  return runbooks.map((r, i) => {
    const { markdownFile, ...rest } = r;
    if (markdownFile === undefined) return rest;
    try {
      return { ...rest, markdown: readFileSync(resolve(dir, markdownFile), 'utf8') };
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? String(err);
      problems.push(`${src.name}: runbooks[${i}].markdownFile: cannot read ${markdownFile} (${why})`);
      return null;
    }
  });
}

/** Checks each runbook as the service would (every field at fault), and duplicate slugs across the files. */
export function runbookProblems(
  services: Pick<Services, 'runbooks'>,
  actor: Actor,
  files: readonly { name: string; runbooks: readonly (Record<string, unknown> | null)[] }[],
): string[] {
  const out: string[] = [];
  const seen = new Map<string, string>();
  for (const f of files)
    f.runbooks.forEach((r, i) => {
      if (!r) return;
      const at = `${f.name}: runbooks[${i}]`;
      for (const p of services.runbooks.problems(actor, r)) out.push(`${at}.${p.field}: ${p.message}`);
      const slug = typeof r.slug === 'string' ? r.slug : services.runbooks.slugFor(String(r.name));
      if (seen.has(slug)) out.push(`${at}: the runbook "${slug}" is also defined at ${seen.get(slug)}`);
      seen.set(slug, at);
    });
  return out;
}

export async function applyRunbooks(
  services: Pick<Services, 'runbooks'>,
  actor: Actor,
  runbooks: readonly (Record<string, unknown> | null)[],
): Promise<string[]> {
  const changes: string[] = [];
  for (const r of runbooks) {
    if (!r) continue;
    const { runbook, outcome } = await services.runbooks.apply(actor, r);
    changes.push(
      `runbook "${runbook.slug}": ${outcome}${outcome === 'unchanged' ? '' : ` (version ${runbook.version})`}`,
    );
  }
  return changes;
}
