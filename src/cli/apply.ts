import { isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Services } from '../app/services.js';
import { slackRoutesSchema } from '../domains/notify/index.js';
import { scheduleInputSchema } from '../domains/rosters/index.js';
import { userInputSchema } from '../domains/tenants/index.js';
import type { Actor } from '../shared/actor.js';
import { isAppError } from '../shared/errors.js';

/**
 * `opswatch apply`: users, schedules and Slack routes as YAML. Everything is validated first (shape, zones,
 * times, participants, channels); with any problem found then, nothing is written. Participants may be user ids
 * or emails of users that exist or are listed under `users:`. Users are upserted by email, schedules by name;
 * `slack.routes` replaces the service → channel routes. Applying the same files again changes nothing, so a run
 * stopped half-way (the database went away) is finished by running it again.
 */

const configSchema = z.object({
  users: z
    .array(userInputSchema.omit({ role: true }).extend({ email: z.email('expected an email address') }))
    .default([]),
  schedules: z.array(scheduleInputSchema).default([]),
  slack: z.object({ routes: slackRoutesSchema }).strict().optional(),
});

const KEYS = ['users', 'schedules', 'slack'];

export interface ConfigSource {
  /** Shown before each problem (a file name). */
  name: string;
  text: string;
}

export interface ApplyResult {
  ok: boolean;
  /** `file: schedules[1].layers[0].handoffTime: message` */
  problems: string[];
  /** `schedule "Payments": created` */
  changes: string[];
}

/** `schedules.1.layers.0.handoffTime` → `schedules[1].layers[0].handoffTime` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(file)';
}

type Parsed = z.output<typeof configSchema>;

function parseSource(src: ConfigSource, problems: string[]): Parsed | null {
  const doc = parseDocument(src.text);
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push(`${src.name}: ${e.message.split('\n')[0]}`);
    return null;
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    problems.push(`${src.name}: expected a mapping with "users:", "schedules:" and/or "slack:"`);
    return null;
  }
  const raw: unknown = doc.toJS() ?? {};
  const unknown = Object.keys(raw as object).filter((k) => !KEYS.includes(k));
  for (const k of unknown)
    problems.push(`${src.name}: ${k}: unknown key; expected "users", "schedules" or "slack"`);
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    for (const i of r.error.issues) problems.push(`${src.name}: ${formatPath(i.path)}: ${i.message}`);
    return null;
  }
  return unknown.length ? null : r.data;
}

/** Validates every source, then (only if all are valid) upserts users and schedules. */
export async function applyConfig(
  services: Pick<Services, 'users' | 'rosters' | 'catalog'>,
  actor: Actor,
  input: string | ConfigSource[],
): Promise<ApplyResult> {
  const sources = typeof input === 'string' ? [{ name: 'config', text: input }] : input;
  const problems: string[] = [];
  const parsed = sources.map((s) => ({ src: s, cfg: parseSource(s, problems) }));

  const existing = await services.users.list(actor);
  const ids = new Set(existing.map((u) => u.id));
  const byEmail = new Map(existing.flatMap((u) => (u.email ? [[u.email.toLowerCase(), u.id] as const] : [])));
  const fileEmails = new Set(parsed.flatMap((p) => p.cfg?.users.map((u) => u.email.toLowerCase()) ?? []));
  const names = new Map<string, string>();
  for (const { src, cfg } of parsed) {
    cfg?.schedules.forEach((s, i) => {
      const at = `${src.name}: schedules[${i}]`;
      const key = s.name.toLowerCase();
      if (names.has(key)) problems.push(`${at}.name: "${s.name}" is also defined at ${names.get(key)}`);
      names.set(key, at);
      if (s.overrides.length)
        problems.push(`${at}.overrides: add overrides over the API or in Slack, not in apply`);
      s.layers.forEach((l, j) => {
        l.participants.forEach((p, k) => {
          const known = ids.has(p) || byEmail.has(p.toLowerCase()) || fileEmails.has(p.toLowerCase());
          if (!known)
            problems.push(
              `${at}.layers[${j}].participants[${k}]: "${p}" is neither a user id nor the email of a known user or of one under users:`,
            );
        });
      });
    });
  }
  const routeFiles = parsed.filter((p) => p.cfg?.slack);
  if (routeFiles.length > 1)
    problems.push(
      `slack.routes is set in ${routeFiles.map((p) => p.src.name).join(' and ')}; set it in one file`,
    );
  if (problems.length) return { ok: false, problems, changes: [] };

  const changes: string[] = [];
  try {
    for (const { cfg } of parsed) {
      for (const u of cfg?.users ?? []) {
        const r = await services.users.upsertByEmail(actor, u);
        byEmail.set(u.email.toLowerCase(), r.user.id);
        changes.push(`user ${u.email}: ${r.outcome}`);
      }
    }
    for (const { cfg } of parsed) {
      for (const s of cfg?.schedules ?? []) {
        const layers = s.layers.map((l) => ({
          ...l,
          participants: l.participants.map((p) => (ids.has(p) ? p : (byEmail.get(p.toLowerCase()) ?? p))),
        }));
        const r = await services.rosters.upsertByName(actor, { ...s, layers });
        changes.push(`schedule "${s.name}": ${r.outcome}`);
      }
    }
    const routes = routeFiles[0]?.cfg?.slack?.routes;
    if (routes) {
      const before = (await services.catalog.routes(actor)).routes;
      const clean = Object.fromEntries(Object.entries(routes).map(([k, v]) => [k, v.replace(/^#/, '')]));
      const same =
        JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(clean).sort());
      if (!same) await services.catalog.setRoutes(actor, routes);
      changes.push(`slack routes (${Object.keys(clean).length}): ${same ? 'unchanged' : 'updated'}`);
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    const detail = err.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return { ok: false, problems: [`${err.message}${detail ? ` (${detail})` : ''}`], changes };
  }
  return { ok: true, problems: [], changes };
}
