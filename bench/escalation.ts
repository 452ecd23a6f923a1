/**
 * Escalation benchmark: 1,000 incidents triggering within 10 s, each under a policy of three steps of 0.25 minutes
 * (a different person per step, nobody acknowledging), in real time on a real PostgreSQL, paged by Slack DM
 * through the test harness's fake Slack, which records when each DM arrives. Prints, for OpsWatch as it runs
 * (the engine woken at the next deadline and on NOTIFY) and, in the same run, for the same OpsWatch with the
 * pacer off (a fixed 5 s tick, as GoAlert's engine cycles): lateness p50/p99/max (DM received − page due),
 * pages per second, duplicates and missing pages, side by side with the ratio.
 *
 *   npx tsx bench/escalation.ts    (TEST_DATABASE_URL or BENCH_ADMIN_URL: the server; BENCH_RUNS=3 for medians;
 *                                   BENCH_INCIDENTS, BENCH_SPREAD_SECONDS, BENCH_TICK_SECONDS)
 *
 * Goal: lateness p99 < 2 s, max < 5 s, zero duplicates, zero missing.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { buildOpsWatch } from '../src/app/opswatch.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { operatorActor } from '../src/shared/actor.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { type FakeSlack, startFakeSlack } from '../test/harness/fake-slack.js';
import { benchDatabase, DEFAULT_ADMIN_URL } from './lib/database.js';
import { cleanups, runBench } from './lib/run.js';
import { fmtRatio, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const INCIDENTS = Math.round(num('BENCH_INCIDENTS', 1000));
const SPREAD_S = num('BENCH_SPREAD_SECONDS', 10);
const RUNS = Math.round(num('BENCH_RUNS', 1));
const TICK_S = num('BENCH_TICK_SECONDS', 5);
const STEPS = 3;
const STEP_MINUTES = 0.25;
const PEOPLE = 60;
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
const progress = (line: string) => process.stderr.write(`${line}\n`);

type Mode = 'pacer' | 'fixed tick';

interface Result {
  mode: Mode;
  p50: number;
  p99: number;
  max: number;
  pagesPerSecond: number;
  /** p99 of queued_at − due_at: the engine's share of the lateness (the rest is the outbox and Slack). */
  handOverP99: number;
  pages: number;
  duplicates: number;
  missing: number;
  load: string;
}

async function runOnce(mode: Mode): Promise<Result> {
  const db = await benchDatabase(ADMIN_URL);
  cleanups.push(db.drop);
  const orm = await openOrm({ url: db.url, poolMax: 30 });
  await migrate(orm);
  const fake: FakeSlack = await startFakeSlack({ teamId: 'T0BENCH' });
  const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  const app = await buildOpsWatch({
    orm,
    clock: systemClock,
    log,
    slack: { botId: 'B0BENCH', botUserId: 'U0BENCHBOT' },
    config: {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: fake.apiUrl,
      SLACK_DEFAULT_CHANNEL: undefined,
      slackEnabled: true,
      publicBaseUrl: 'http://localhost',
      ENGINE_TICK_SECONDS: TICK_S,
      PORT: 0,
      HOST: '127.0.0.1',
    },
  });
  const { tenant } = await app.services.tenants.bootstrap('bench-key-0123456789abcdef');
  const actor = operatorActor(tenant.id, 'bench');
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const users: { id: string; slack: string }[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const slack = `U0P${String(i).padStart(4, '0')}`;
    const u = await app.services.users.create(actor, {
      name: `Person ${i}`,
      email: `p${i}@example.com`,
      slackUserId: slack,
      timeZone: 'UTC',
    });
    users.push({ id: u.id, slack });
  }
  // One service and policy per group of people, so each incident's three steps page three different people.
  const groups = PEOPLE / STEPS;
  for (let g = 0; g < groups; g++) {
    const steps = Array.from({ length: STEPS }, (_, k) => ({
      delayMinutes: STEP_MINUTES,
      targets: [{ type: 'user', id: users[g * STEPS + k]?.id }],
    }));
    const policy = await sql.query<{ id: string }>(
      `insert into escalation_policies (id, tenant_id, name, spec, version, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3::jsonb, 1, now(), now()) returning id`,
      [tenant.id, `Policy ${g}`, JSON.stringify({ steps, repeat: 0 })],
    );
    await sql.query(
      `insert into services (id, tenant_id, name, escalation_policy_id, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, now(), now())`,
      [tenant.id, `svc-${g}`, policy.rows[0]?.id],
    );
  }
  const started = await app.start(['worker'], {
    databaseUrl: db.url,
    ready: async () => true,
    worker: { tickSeconds: TICK_S, pacer: mode === 'pacer' },
  });
  const t0 = Date.now();
  progress(`[${mode}] ${INCIDENTS} incidents over ${SPREAD_S} s…`);
  const declared: Promise<unknown>[] = [];
  let failedDeclares = 0;
  for (let i = 0; i < INCIDENTS; i++) {
    const dueAt = t0 + (i * SPREAD_S * 1000) / INCIDENTS;
    const wait = dueAt - Date.now();
    if (wait > 0) await sleep(wait);
    declared.push(
      declare(app, actor, {
        title: `Outage ${i}`,
        service: `svc-${i % groups}`,
        environment: 'production',
        severity: 1,
      }).catch((err: unknown) => {
        failedDeclares++;
        if (failedDeclares === 1) progress(`declare failed: ${String(err)}`);
      }),
    );
  }
  await Promise.all(declared);
  if (failedDeclares) progress(`[${mode}] ${failedDeclares} incidents could not be declared`);
  const expected = INCIDENTS * STEPS;
  const dms = () =>
    fake.callsTo('chat.postMessage').filter((c) => c.ok && /^INC-\d+/.test(String(c.args.text)));
  const deadline = Date.now() + (STEPS * STEP_MINUTES * 60 + 60) * 1000;
  while (dms().length < expected && Date.now() < deadline) await sleep(250);
  await sleep(3000); // anything late or repeated shows up too
  const elapsed = (Date.now() - t0) / 1000;
  const pages = await sql.query<{ ref: string; slack: string; due_at: Date; queued_at: Date | null }>(
    `select 'INC-' || i.number as ref, u.slack_user_id as slack, p.due_at, p.queued_at from pages p
     join incidents i on i.id = p.incident_id join users u on u.id = p.user_id`,
  );
  const handOver = pages.rows.flatMap((r) =>
    r.queued_at ? [(new Date(r.queued_at).getTime() - new Date(r.due_at).getTime()) / 1000] : [],
  );
  const due = new Map(pages.rows.map((r) => [`${r.ref}|${r.slack}`, new Date(r.due_at).getTime()]));
  const seen = new Map<string, number>();
  const lateness: number[] = [];
  for (const c of dms()) {
    const ref = /^(INC-\d+)/.exec(String(c.args.text))?.[1] ?? '';
    const key = `${ref}|${String(c.args.channel)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const d = due.get(key);
    if (d !== undefined && seen.get(key) === 1) lateness.push((c.at.getTime() - d) / 1000);
  }
  const duplicates = [...seen.values()].reduce((n, v) => n + Math.max(0, v - 1), 0);
  const missing = Math.max(0, expected - seen.size);
  const sent = dms();
  const first = Math.min(...sent.map((c) => c.at.getTime()));
  const last = Math.max(...sent.map((c) => c.at.getTime()));
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  progress(`[${mode}] ${sent.length} DMs in ${elapsed.toFixed(1)} s; load ${load}`);
  await started.stop();
  await sql.end();
  await orm.close(true);
  await fake.close();
  await db.drop();
  return {
    mode,
    p50: percentile(lateness, 0.5),
    p99: percentile(lateness, 0.99),
    max: Math.max(...lateness),
    handOverP99: percentile(handOver, 0.99),
    pagesPerSecond: sent.length / Math.max(0.001, (last - first) / 1000),
    pages: sent.length,
    duplicates,
    missing,
    load,
  };
}

const median = (xs: number[]) => percentile(xs, 0.5);

/** Declares an incident, retrying while the database is busy (the bench measures paging, not declaring). */
async function declare(
  app: Awaited<ReturnType<typeof buildOpsWatch>>,
  actor: ReturnType<typeof operatorActor>,
  input: Parameters<Awaited<ReturnType<typeof buildOpsWatch>>['services']['incidents']['declare']>[1],
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await app.services.incidents.declare(actor, input);
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(100 * (attempt + 1));
    }
  }
}

await runBench(async () => {
  const results: Result[] = [];
  for (let r = 0; r < RUNS; r++)
    for (const mode of ['pacer', 'fixed tick'] as const) results.push(await runOnce(mode));
  const of = (mode: Mode) => results.filter((r) => r.mode === mode);
  const row = (mode: Mode) => {
    const rs = of(mode);
    return {
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      max: median(rs.map((r) => r.max)),
      pps: median(rs.map((r) => r.pagesPerSecond)),
      hand: median(rs.map((r) => r.handOverP99)),
      dup: Math.max(...rs.map((r) => r.duplicates)),
      missing: Math.max(...rs.map((r) => r.missing)),
    };
  };
  const a = row('pacer');
  const b = row('fixed tick');
  const s = (x: number) => `${x.toFixed(2)} s`;
  console.log(
    `\nEscalation: ${INCIDENTS} incidents within ${SPREAD_S} s, ${STEPS} steps of ${STEP_MINUTES} min, ${RUNS} run(s), medians` +
      ` (duplicates/missing: worst run)\n`,
  );
  console.log(
    table(
      ['', 'OpsWatch (pacer)', `fixed ${TICK_S} s tick`, 'ratio'],
      [
        ['lateness p50', s(a.p50), s(b.p50), fmtRatio(b.p50 / Math.max(a.p50, 0.001))],
        ['lateness p99', s(a.p99), s(b.p99), fmtRatio(b.p99 / Math.max(a.p99, 0.001))],
        ['lateness max', s(a.max), s(b.max), fmtRatio(b.max / Math.max(a.max, 0.001))],
        ['hand-over p99 (queued − due)', s(a.hand), s(b.hand), fmtRatio(b.hand / Math.max(a.hand, 0.001))],
        ['pages/s', a.pps.toFixed(1), b.pps.toFixed(1), fmtRatio(a.pps / Math.max(b.pps, 0.001))],
        ['duplicates', String(a.dup), String(b.dup), ''],
        ['missing', String(a.missing), String(b.missing), ''],
      ],
    ),
  );
  console.log(
    `\nload averages per run (1/5/15 min): ${results.map((r) => `${r.mode}: ${r.load}`).join('; ')}`,
  );
  const ok = a.p99 < 2 && a.max < 5 && a.dup === 0 && a.missing === 0;
  console.log(`goal (p99 < 2 s, max < 5 s, 0 duplicates, 0 missing): ${ok ? 'met' : 'NOT met'}`);
});
