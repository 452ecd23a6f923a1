import { isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Services } from '../app/services.js';
import { heartbeatInputSchema } from '../domains/heartbeats/index.js';
import { slackRoutesSchema } from '../domains/notify/index.js';
import { scheduleInputSchema } from '../domains/rosters/index.js';
import { windowInputSchema } from '../domains/silences/index.js';
import { userInputSchema } from '../domains/tenants/index.js';
import type { Actor } from '../shared/actor.js';
import { isAppError } from '../shared/errors.js';
import { withoutHash } from '../shared/slack-channel.js';
import {
  applyEscalation,
  applyPolicySchema,
  applyServiceSchema,
  applyUserExtras,
  escalationProblems,
  type Known,
} from './apply-escalation.js';
import { applyRunbookSchema, applyRunbooks, resolveRunbooks, runbookProblems } from './apply-runbooks.js';
import { applySlas, slaProblems, slasSchema } from './apply-slas.js';

/**
 * `opswatch apply`: users (with their manager, contact methods and notification rules), schedules, escalation policies, services,
 * Slack routes, heartbeat monitors, maintenance windows, runbooks and SLAs as YAML. Everything is validated first (shape, zones, times, participants, targets, channels);
 * with any problem found then, nothing is written. Participants and policy targets may be user ids or emails of
 * users that exist or are listed under `users:`; policy targets name schedules by name (or id); services name
 * their policy by name. Users are upserted by email, schedules, policies and services by name; `slack.routes`
 * replaces the service → channel routes (the services' channels). Applying the same files again changes nothing
 * (no policy's version goes up), so a run stopped half-way (the database went away) is finished by running it
 * again.
 */

const configSchema = z.object({
  users: z
    .array(
      userInputSchema
        .omit({ role: true, managerId: true })
        .extend({ email: z.email('expected an email address'), ...applyUserExtras }),
    )
    .default([]),
  schedules: z.array(scheduleInputSchema).default([]),
  escalationPolicies: z.array(applyPolicySchema).default([]),
  services: z.array(applyServiceSchema).default([]),
  slack: z.object({ routes: slackRoutesSchema }).strict().optional(),
  /** Upserted by name; a new one's ping URL is printed (its token is kept on later applies). */
  heartbeats: z.array(heartbeatInputSchema).default([]),
  maintenanceWindows: z.array(windowInputSchema).default([]),
  runbooks: z.array(applyRunbookSchema).default([]),
  slas: slasSchema,
});

const KEYS = [
  'users',
  'schedules',
  'escalationPolicies',
  'services',
  'slack',
  'heartbeats',
  'maintenanceWindows',
  'runbooks',
  'slas',
];
const KEY_LIST =
  '"users", "schedules", "escalationPolicies", "services", "slack", "heartbeats", "maintenanceWindows", "runbooks" or "slas"';

export interface ConfigSource {
  /** Shown before each problem (a file name). */
  name: string;
  text: string;
  /** The file's path, when it is one: `markdownFile` of runbooks is read relative to it (default: `name`). */
  path?: string;
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
    problems.push(`${src.name}: expected a mapping with ${KEY_LIST.replace(' or ', ' and/or ')}`);
    return null;
  }
  const raw: unknown = doc.toJS() ?? {};
  const unknown = Object.keys(raw as object).filter((k) => !KEYS.includes(k));
  for (const k of unknown) problems.push(`${src.name}: ${k}: unknown key; expected ${KEY_LIST}`);
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    for (const i of r.error.issues) problems.push(`${src.name}: ${formatPath(i.path)}: ${i.message}`);
    return null;
  }
  return unknown.length ? null : r.data;
}

/** Validates every source, then (only if all are valid) upserts users and schedules. */
export async function applyConfig(
  services: Pick<
    Services,
    | 'users'
    | 'rosters'
    | 'catalog'
    | 'policies'
    | 'notificationRules'
    | 'contactMethods'
    | 'heartbeats'
    | 'maintenance'
    | 'runbooks'
    | 'sla'
  >,
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
  const known = await knownOf(
    services,
    actor,
    parsed.map((p) => p.cfg),
  );
  for (const [key, what] of [
    ['escalationPolicies', 'escalation policy'],
    ['services', 'service'],
    ['heartbeats', 'heartbeat'],
  ] as const) {
    const seen = new Map<string, string>();
    for (const { src, cfg } of parsed)
      cfg?.[key].forEach((x, i) => {
        const at = `${src.name}: ${key}[${i}]`;
        const k = key === 'escalationPolicies' ? x.name.toLowerCase() : x.name;
        if (seen.has(k))
          problems.push(`${at}.name: the ${what} "${x.name}" is also defined at ${seen.get(k)}`);
        seen.set(k, at);
      });
  }
  const routes = routeFiles[0]?.cfg?.slack?.routes;
  for (const { src, cfg } of parsed) {
    if (!cfg) continue;
    problems.push(...escalationProblems(cfg, known, `${src.name}: `));
    cfg.services.forEach((s, i) => {
      const routed = routes?.[s.name];
      if (routed && s.slackChannel && routed.replace(/^#/, '') !== s.slackChannel.replace(/^#/, ''))
        problems.push(
          `${src.name}: services[${i}].slackChannel: "${s.slackChannel}" differs from slack.routes.${s.name} ("${routed}")`,
        );
    });
  }
  const runbookFiles = parsed.map((p) => ({
    name: p.src.name,
    runbooks: p.cfg ? resolveRunbooks(p.cfg.runbooks, p.src, problems) : [],
  }));
  problems.push(...runbookProblems(services, actor, runbookFiles));
  problems.push(...slaProblems(parsed.map((p) => ({ name: p.src.name, slas: p.cfg?.slas ?? [] }))));
  if (problems.length) return { ok: false, problems, changes: [] };

  const changes: string[] = [];
  try {
    for (const { cfg } of parsed) {
      for (const u of cfg?.users ?? []) {
        const { manager: _m, notificationRules: _r, contactMethods: _c, ...user } = u;
        const r = await services.users.upsertByEmail(actor, user);
        byEmail.set(u.email.toLowerCase(), r.user.id);
        known.emails.set(u.email.toLowerCase(), r.user.id);
        known.userIds.add(r.user.id);
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
        known.scheduleNames.set(s.name.toLowerCase(), r.schedule.id);
        known.scheduleIds.add(r.schedule.id);
        changes.push(`schedule "${s.name}": ${r.outcome}`);
      }
    }
    if (routes) {
      const before = (await services.catalog.routes(actor)).routes;
      // The services of the files keep the channels they name (the routes replace everyone else's).
      const fromServices = parsed.flatMap((p) =>
        (p.cfg?.services ?? []).flatMap((s) => (s.slackChannel ? [[s.name, s.slackChannel] as const] : [])),
      );
      const clean = Object.fromEntries(
        [...Object.entries(routes), ...fromServices].map(([k, v]) => [k, withoutHash(v)]),
      );
      const same =
        JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(clean).sort());
      if (!same) await services.catalog.setRoutes(actor, clean);
      changes.push(`slack routes (${Object.keys(clean).length}): ${same ? 'unchanged' : 'updated'}`);
    }
    const cfgs = parsed.flatMap((p) => (p.cfg ? [p.cfg] : []));
    changes.push(...(await applyEscalation(services, actor, cfgs, known, routes)));
    for (const h of cfgs.flatMap((c) => c.heartbeats)) {
      const r = await services.heartbeats.upsertByName(actor, h);
      const url = r.outcome === 'created' ? ` (ping URL ${r.heartbeat.pingUrl})` : '';
      changes.push(`heartbeat "${h.name}": ${r.outcome}${url}`);
    }
    // Maintenance windows, by service and name: the rule and zone of one that exists are replaced.
    for (const w of cfgs.flatMap((c) => c.maintenanceWindows)) {
      const r = await services.maintenance.upsertByName(actor, w);
      changes.push(`maintenance window "${w.service}/${w.name}": ${r.outcome}`);
    }
    changes.push(
      ...(await applyRunbooks(
        services,
        actor,
        runbookFiles.flatMap((f) => f.runbooks),
      )),
    );
    changes.push(
      ...(await applySlas(
        services,
        actor,
        cfgs.flatMap((c) => c.slas),
      )),
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const detail = err.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return { ok: false, problems: [`${err.message}${detail ? ` (${detail})` : ''}`], changes };
  }
  return { ok: true, problems: [], changes };
}

/** The users, schedules and policies there are, and those the files will add (their ids known once written). */
async function knownOf(
  services: Pick<Services, 'users' | 'rosters' | 'policies' | 'contactMethods'>,
  actor: Actor,
  cfgs: (Parsed | null)[],
): Promise<Known> {
  const [users, schedules, policies] = await Promise.all([
    services.users.list(actor),
    services.rosters.list(actor),
    services.policies.list(actor),
  ]);
  const known: Known = {
    userIds: new Set(users.map((u) => u.id)),
    emails: new Map(users.flatMap((u) => (u.email ? [[u.email.toLowerCase(), u.id] as const] : []))),
    scheduleIds: new Set(schedules.map((s) => s.id)),
    scheduleNames: new Map(schedules.map((s) => [s.name.toLowerCase(), s.id] as const)),
    policies: new Map(policies.map((p) => [p.name.toLowerCase(), p.id] as const)),
    methods: new Map(),
  };
  // The phone numbers of the listed users who exist, for their rules that name one.
  for (const cfg of cfgs)
    for (const u of cfg?.users ?? []) {
      const id = known.emails.get(u.email.toLowerCase());
      const named = ['high', 'low'].some((g) =>
        u.notificationRules?.[g as 'high' | 'low'].some((r) => r.phoneNumber !== undefined),
      );
      if (id && named && !known.methods.has(id))
        known.methods.set(id, await services.contactMethods.list(actor, id));
    }
  for (const cfg of cfgs) {
    for (const u of cfg?.users ?? [])
      if (!known.emails.has(u.email.toLowerCase())) known.emails.set(u.email.toLowerCase(), null);
    for (const s of cfg?.schedules ?? [])
      if (!known.scheduleNames.has(s.name.toLowerCase())) known.scheduleNames.set(s.name.toLowerCase(), null);
    for (const p of cfg?.escalationPolicies ?? [])
      if (!known.policies.has(p.name.toLowerCase())) known.policies.set(p.name.toLowerCase(), null);
  }
  return known;
}
