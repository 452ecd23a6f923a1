/**
 * Slack click acknowledgement benchmark: the time from a signed Slack interaction request (an Acknowledge button
 * click) to OpsWatch's HTTP answer, 50 clicks in flight, with Alertmanager webhooks flowing at 500 alerts/s in
 * the background — against the same clicks with no webhook load, in the same run.
 *
 *   npx tsx bench/slack-ack.ts            (BENCH_* knobs: see bench/README.md)
 *
 * OpsWatch runs every role (`start` with Slack in HTTP mode) on a fresh PostgreSQL database; Slack's Web API is
 * the test harness's fake, in this process. Goal: p99 < 100 ms under load (Slack gives up after 3,000 ms).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { type FakeSlack, startFakeSlack } from '../test/harness/fake-slack.js';
import { makeShots, opswatchCheck } from './lib/alerts.js';
import {
  acknowledgedAt,
  analyze,
  autovacuumOn,
  backendPids,
  benchDatabase,
  DEFAULT_ADMIN_URL,
  slackCounts,
} from './lib/database.js';
import { closedLoop, openLoop, type RunResult, type Shot, type Target } from './lib/load.js';
import { type CpuUse, cpuWindow, procMemory } from './lib/procs.js';
import { cleanups, runBench } from './lib/run.js';
import { type Started, startOpsWatch } from './lib/servers.js';
import { type Click, emptyAckCheck, signedClicks } from './lib/slack.js';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, medianBy, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const SCALE = num('BENCH_SCALE', 1);
const RUNS = Math.round(num('BENCH_RUNS', 1));
const CLICKS = Math.round(num('BENCH_CLICKS', 2000) * SCALE);
const CONCURRENCY = Math.round(num('BENCH_CLICK_CONCURRENCY', 50));
const MAX_CLICK_SECONDS = num('BENCH_MAX_CLICK_SECONDS', 30);
const WEBHOOK_RATE = num('BENCH_WEBHOOK_RATE', 500);
const LEAD_SECONDS = num('BENCH_LEAD_SECONDS', 3);
const GROUPS = Math.round(num('BENCH_GROUPS', 50));
const WARMUP_CLICKS = Math.round(num('BENCH_WARMUP_CLICKS', 200) * Math.min(1, SCALE));
const ANALYZE = process.env.BENCH_ANALYZE !== '0';
const GOAL_P99_MS = 100;
const SLACK_LIMIT_MS = 3000;
/** OpsWatch answers 200 on its own when a listener has not acked after 2.5 s (src/slack/fetch-receiver.ts). */
const ACK_DEADLINE_MS = 2500;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_ID = randomBytes(3).toString('hex');
const SIGNING_SECRET = `bench-signing-${randomBytes(12).toString('hex')}`;
const TEAM_ID = 'T0BENCH';
const CHANNEL = 'C0BENCH';
const USERS = Array.from({ length: CONCURRENCY }, (_, i) => `U0BENCH${String(i).padStart(3, '0')}`);
const progress = (line: string) => process.stderr.write(`${line}\n`);

type Mode = 'baseline' | 'loaded';

interface WebhookLoad {
  result: RunResult & { unsent: number; maxLateMs: number; scheduledSeconds: number };
  /** Alerts answered 200 (and created) from the first click until every click had taken effect, per second. */
  inWindowPerSecond: number;
}

/** From each click being sent to its incident being acknowledged in the database (the work after the answer). */
interface Effect {
  p50: number;
  p99: number;
  max: number;
  /** From the first click to the last acknowledgement. */
  seconds: number;
  /** Clicks whose incident was not acknowledged within EFFECT_TIMEOUT_S. */
  missing: number;
}

interface ClickPhase {
  mode: Mode;
  run: number;
  result: RunResult;
  p50: number;
  p99: number;
  max: number;
  /** Clicks answered only by OpsWatch's own 2.5 s deadline, and slower than Slack's 3 s limit. */
  atDeadline: number;
  overSlackLimit: number;
  cpu: CpuUse;
  /** p99 event-loop delay of this (load generating) process over the clicks, ms. */
  benchLoopP99: number;
  webhooks?: WebhookLoad;
  effect: Effect;
  /** OpsWatch's own view (opswatch_slack_answer_duration_seconds): bucket upper bounds holding p50 and p99, ms. */
  server: { p50: number; p99: number };
  /** Incidents these clicks acknowledged (read once OpsWatch has settled). */
  acknowledged: number;
}

interface Bench {
  server: Started;
  fake: FakeSlack;
  apiKey: string;
  dbUrl: string;
  dbName: string;
  /** Acknowledge clicks sent so far that should each have acknowledged one incident. */
  expectedAcks: number;
  nextSeq: number;
  declared: number;
  violations: number;
  /** What clicking users were told through response_url (errors, "already acknowledged"): text → count. */
  told: Map<string, number>;
}

/** Declares `n` incidents through the REST API; returns their ids. */
async function declareIncidents(b: Bench, n: number): Promise<string[]> {
  const ids: string[] = [];
  const shots: Shot[] = Array.from({ length: n }, (_, i) => ({
    body: Buffer.from(
      JSON.stringify({
        title: `Bench incident ${RUN_ID}-${b.declared + i}`,
        service: 'checkout',
        severity: 2,
      }),
    ),
    alerts: 1,
  }));
  const target: Target = {
    port: b.server.port,
    path: '/api/v1/incidents',
    headers: { authorization: `Bearer ${b.apiKey}` },
    status: 201,
    check: (body) => {
      const id = (JSON.parse(body) as { id?: unknown }).id;
      if (typeof id !== 'string') return `201 without an id: ${body.slice(0, 80)}`;
      ids.push(id);
      return null;
    },
  };
  b.declared += n;
  const r = await closedLoop(target, shots, 8, 120);
  if (r.errors || ids.length !== n) {
    throw new Error(`declaring ${n} incidents: ${ids.length} ok, ${JSON.stringify([...r.errorKinds])}`);
  }
  return ids;
}

async function ackedCount(b: Bench): Promise<number> {
  const c = await slackCounts(b.dbUrl);
  return (c.incidents.acknowledged ?? 0) + (c.incidents.resolved ?? 0);
}

/** Moves what the fake Slack recorded (violations, response_url posts) into the totals and forgets it. */
function collect(b: Bench): void {
  b.violations += b.fake.violations.length;
  for (const post of b.fake.responseUrlPosts) {
    const text = String((post.body as { text?: unknown }).text ?? JSON.stringify(post.body));
    const kind = text.replace(/INC-\d+/g, 'INC-n').slice(0, 160);
    b.told.set(kind, (b.told.get(kind) ?? 0) + 1);
  }
  b.fake.reset();
}

/** Waits until the outbox has nothing pending and every click has acknowledged its incident (≤ `timeoutS`). */
async function settle(b: Bench, timeoutS = num('BENCH_SETTLE_SECONDS', 180)): Promise<string | null> {
  const until = Date.now() + timeoutS * 1000;
  let last = '';
  let nextLog = Date.now() + 5000;
  let quiet: { acked: number; since: number } | null = null;
  while (Date.now() < until) {
    const c = await slackCounts(b.dbUrl);
    const acked = (c.incidents.acknowledged ?? 0) + (c.incidents.resolved ?? 0);
    last = `outbox ${JSON.stringify(c.outbox)}, incidents ${JSON.stringify(c.incidents)}`;
    if (!c.outbox.pending && acked >= b.expectedAcks) {
      collect(b);
      return null;
    }
    // Nothing pending and no acknowledgement for 5 s: the missing ones are not coming.
    if (c.outbox.pending) quiet = null;
    else if (!quiet || quiet.acked !== acked) quiet = { acked, since: Date.now() };
    else if (Date.now() - quiet.since > 5000) {
      collect(b);
      return `${fmtInt(b.expectedAcks - acked)} clicks answered 200 acknowledged nothing; ${last}`;
    }
    if (Date.now() > nextLog) {
      progress(`  waiting for OpsWatch to settle: ${last}`);
      nextLog += 5000;
    }
    await sleep(250);
  }
  collect(b);
  return `not settled after ${timeoutS} s: ${last}\nOpsWatch's recent output:\n${b.server.child.output().slice(-3000)}`;
}

function clickShots(ids: readonly string[], fake: FakeSlack): Promise<Shot[]> {
  const clicks: Click[] = ids.map((id, i) => ({
    actionId: INCIDENT_ACTIONS.acknowledge,
    value: id,
    opts: { user: USERS[i % USERS.length], channelId: CHANNEL },
  }));
  return signedClicks(
    {
      baseUrl: 'http://127.0.0.1',
      signingSecret: SIGNING_SECRET,
      teamId: TEAM_ID,
      userId: USERS[0] as string,
      channelId: CHANNEL,
      responseUrlBase: fake.url,
    },
    clicks,
  );
}

function clickTarget(b: Bench): Target {
  return { port: b.server.port, path: '/slack/events', headers: {}, check: emptyAckCheck };
}

/** Webhooks open loop at WEBHOOK_RATE (1 new alert per request) until `stop` aborts; answers timed for the window. */
function startWebhooks(b: Bench, stop: AbortSignal, answeredAt: number[]): Promise<WebhookLoad['result']> {
  const seconds = LEAD_SECONDS + MAX_CLICK_SECONDS + EFFECT_TIMEOUT_S + 5;
  const n = Math.round(WEBHOOK_RATE * seconds);
  const shots = makeShots('webhook', RUN_ID, b.nextSeq, n, 1, GROUPS);
  b.nextSeq += n;
  const target: Target = {
    port: b.server.port,
    path: '/api/v1/webhooks/alertmanager',
    headers: { authorization: `Bearer ${b.apiKey}` },
    check: (body, shot) => {
      const problem = opswatchCheck(body, shot);
      if (!problem) answeredAt.push(performance.now());
      return problem;
    },
  };
  return openLoop(target, shots, WEBHOOK_RATE, WEBHOOK_RATE * 5, 15, 256, stop);
}

const EFFECT_TIMEOUT_S = 120;

/** Cumulative bucket counts of opswatch_slack_answer_duration_seconds{type="block_actions"} by upper bound (s). */
async function answerHistogram(b: Bench): Promise<Map<number, number>> {
  const text = await (await fetch(`http://127.0.0.1:${b.server.port}/metrics`)).text();
  const out = new Map<number, number>();
  const re = /^opswatch_slack_answer_duration_seconds_bucket\{le="([^"]+)",type="block_actions"\} (\d+)$/gm;
  for (const m of text.matchAll(re))
    out.set(m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2]));
  return out;
}

/** p50 and p99 of the answers between two histogram readings, as the upper bound of the bucket holding each (ms). */
function histogramQuantiles(
  before: Map<number, number>,
  after: Map<number, number>,
): { p50: number; p99: number } {
  const bounds = [...after.keys()].sort((x, y) => x - y);
  const delta = bounds.map((le) => [le, (after.get(le) ?? 0) - (before.get(le) ?? 0)] as const);
  const total = delta.at(-1)?.[1] ?? 0;
  const q = (p: number) => {
    const hit = delta.find(([, n]) => n >= p * total);
    return hit && total > 0 ? hit[0] * 1000 : Number.NaN;
  };
  return { p50: q(0.5), p99: q(0.99) };
}

/** Polls until every sent click's incident is acknowledged (or EFFECT_TIMEOUT_S), then times each one. */
async function waitForEffects(b: Bench, sentAt: ReadonlyMap<string, number>, wall0: number): Promise<Effect> {
  const ids = [...sentAt.keys()];
  const deadline = Date.now() + EFFECT_TIMEOUT_S * 1000;
  let done = await acknowledgedAt(b.dbUrl, ids);
  while (done.size < ids.length && Date.now() < deadline) {
    await sleep(50);
    done = await acknowledgedAt(b.dbUrl, ids);
  }
  const lat = ids.flatMap((id) => {
    const at = done.get(id);
    return at === undefined ? [] : [Math.max(0, at - (sentAt.get(id) ?? at))];
  });
  return {
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
    max: percentile(lat, 1),
    seconds: (Math.max(...done.values()) - wall0) / 1000,
    missing: ids.length - done.size,
  };
}

async function clickPhase(b: Bench, mode: Mode, run: number): Promise<ClickPhase> {
  progress(`${mode} run ${run}: declaring ${fmtInt(CLICKS)} incidents`);
  const ids = await declareIncidents(b, CLICKS);
  const unsettled = await settle(b);
  if (unsettled) progress(`  before the clicks: ${unsettled}`);
  const shots = await clickShots(ids, b.fake);
  const ackedBefore = await ackedCount(b);

  const stop = new AbortController();
  const answeredAt: number[] = [];
  let load: Promise<WebhookLoad['result']> | null = null;
  if (mode === 'loaded') {
    progress(`  webhooks at ${fmtInt(WEBHOOK_RATE)} alerts/s for ${LEAD_SECONDS} s before the clicks`);
    load = startWebhooks(b, stop.signal, answeredAt);
    await sleep(LEAD_SECONDS * 1000);
  }
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = await cpuWindow(b.server.child.pid, () => backendPids(b.dbUrl, b.dbName));
  const hist0 = await answerHistogram(b);
  const sentAt = new Map<string, number>();
  const t0 = performance.now();
  const wall0 = Date.now();
  const result = await closedLoop(clickTarget(b), shots, CONCURRENCY, MAX_CLICK_SECONDS, (i, at) =>
    sentAt.set(ids[i] as string, at),
  );
  const cpuUse = await cpu.stop();
  loop.disable();
  const server = histogramQuantiles(hist0, await answerHistogram(b));
  b.expectedAcks += result.alerts;
  // The answers are out; the webhooks keep flowing until every click has taken effect.
  const effect = await waitForEffects(b, sentAt, wall0);
  const t2 = performance.now();
  let webhooks: WebhookLoad | undefined;
  if (load) {
    stop.abort();
    const r = await load;
    const inWindow = answeredAt.filter((t) => t >= t0 && t <= t2).length;
    webhooks = { result: r, inWindowPerSecond: inWindow / ((t2 - t0) / 1000) };
  }
  const lat = result.latencies;
  const phase: ClickPhase = {
    mode,
    run,
    result,
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
    max: percentile(lat, 1),
    atDeadline: lat.filter((ms) => ms >= ACK_DEADLINE_MS).length,
    overSlackLimit: lat.filter((ms) => ms > SLACK_LIMIT_MS).length,
    cpu: cpuUse,
    benchLoopP99: loop.percentile(99) / 1e6,
    webhooks,
    effect,
    server,
    acknowledged: Number.NaN,
  };
  progress(
    `  ${fmtInt(result.requests)} clicks in ${result.seconds.toFixed(1)} s: p50 ${fmtMs(phase.p50)} ms, ` +
      `p99 ${fmtMs(phase.p99)} ms, max ${fmtMs(phase.max)} ms, ${result.errors} errors` +
      (webhooks ? `; webhooks ${fmtInt(webhooks.inWindowPerSecond)} alerts/s during the clicks` : ''),
  );
  const after = await settle(b);
  if (after) progress(`  after the clicks: ${after}`);
  phase.acknowledged = (await ackedCount(b)) - ackedBefore;
  return phase;
}

const pct = (seconds: number, over: number) =>
  Number.isFinite(seconds) ? `${((100 * seconds) / over).toFixed(0)}%` : '–';

function report(phases: readonly ClickPhase[], notes: readonly string[]): string {
  const out: string[] = [];
  const rows = phases.map((p) => [
    p.mode,
    String(p.run),
    fmtInt(p.result.requests),
    fmtInt(p.result.errors),
    fmtInt(p.acknowledged),
    p.result.seconds.toFixed(2),
    fmtInt(p.result.requests / p.result.seconds),
    fmtMs(p.p50),
    fmtMs(p.p99),
    fmtMs(p.max),
    `≤${fmtMs(p.server.p99)}`,
    fmtMs(p.effect.p50),
    fmtMs(p.effect.p99),
    p.effect.seconds.toFixed(2) + (p.effect.missing ? ` (${fmtInt(p.effect.missing)} missing)` : ''),
    fmtInt(p.atDeadline),
    p.webhooks ? fmtInt(p.webhooks.inWindowPerSecond) : '0',
    pct(p.cpu.server, p.result.seconds),
    pct(p.cpu.postgres, p.result.seconds),
    pct(p.cpu.client, p.result.seconds),
    `${(100 * p.cpu.machineShare).toFixed(0)}%`,
    fmtMs(p.benchLoopP99),
  ]);
  out.push(
    `\nClicks: Acknowledge on distinct incidents, ${CONCURRENCY} in flight, ${USERS.length} Slack users ` +
      `(latency = signed request → HTTP answer, process.hrtime.bigint() around each request; effect = click sent → ` +
      `incident acknowledged in the database, by its acknowledged_at; server p99 = OpsWatch's own ` +
      `opswatch_slack_answer_duration_seconds over the clicks, the upper bound of the bucket holding it)`,
    table(
      [
        'phase',
        'run',
        'clicks',
        'errors',
        'acked',
        'seconds',
        'clicks/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server p99 ms',
        'effect p50 ms',
        'effect p99 ms',
        'all effects s',
        '≥2.5 s',
        'webhooks answered/s',
        'server cpu',
        'pg cpu',
        'bench cpu',
        'machine',
        'bench loop p99 ms',
      ],
      rows,
    ),
  );

  const loadedRuns = phases.filter((p) => p.webhooks);
  if (loadedRuns.length) {
    out.push(
      `\nWebhook load (open loop, 1 alert/request, target ${fmtInt(WEBHOOK_RATE)} alerts/s, ${GROUPS} groups)`,
    );
    out.push(
      table(
        [
          'run',
          'sent',
          'answered 200',
          'errors',
          'scheduled s',
          'alerts/s overall',
          'answered/s until clicks took effect',
          'p50 ms',
          'p99 ms',
          'timer late ms',
          'note',
        ],
        loadedRuns.map((p) => {
          const w = p.webhooks as WebhookLoad;
          const r = w.result;
          return [
            String(p.run),
            fmtInt(r.requests),
            fmtInt(r.alerts),
            fmtInt(r.errors),
            r.scheduledSeconds.toFixed(1),
            fmtInt(r.alerts / r.scheduledSeconds),
            fmtInt(w.inWindowPerSecond),
            fmtMs(percentile(r.latencies, 0.5)),
            fmtMs(percentile(r.latencies, 0.99)),
            fmtMs(r.maxLateMs),
            r.unsent ? `${fmtInt(r.unsent)} not sent: server fell behind` : '',
          ];
        }),
      ),
    );
  }

  const errs: string[] = [];
  for (const p of phases) {
    for (const [kind, n] of p.result.errorKinds) errs.push(`  ${p.mode} run ${p.run} clicks: ${n} × ${kind}`);
    for (const [kind, n] of p.webhooks?.result.errorKinds ?? [])
      errs.push(`  ${p.mode} run ${p.run} webhooks: ${n} × ${kind}`);
  }
  out.push(`\nErrors: ${errs.length ? `\n${errs.join('\n')}` : 'none'}`);

  const base = phases.filter((p) => p.mode === 'baseline');
  const loaded = phases.filter((p) => p.mode === 'loaded');
  if (base.length && loaded.length) {
    const x = medianBy(loaded, (p) => p.p99);
    const y = medianBy(base, (p) => p.p99);
    const multi = RUNS > 1 ? ` (median runs by p99: loaded ${x.run}, baseline ${y.run})` : '';
    out.push(
      `\nUnder load vs baseline (same clicks, no webhooks)${multi}`,
      table(
        ['', 'loaded', 'baseline', 'loaded / baseline'],
        [
          ['p50 ms', fmtMs(x.p50), fmtMs(y.p50), fmtRatio(x.p50 / y.p50)],
          ['p99 ms', fmtMs(x.p99), fmtMs(y.p99), fmtRatio(x.p99 / y.p99)],
          ['max ms', fmtMs(x.max), fmtMs(y.max), fmtRatio(x.max / y.max)],
        ],
      ),
    );
    const errors = phases.reduce((n, p) => n + p.result.errors, 0);
    const overLimit = phases.reduce((n, p) => n + p.overSlackLimit, 0);
    const webRate = x.webhooks?.inWindowPerSecond ?? 0;
    const pass = x.p99 < GOAL_P99_MS && errors === 0;
    out.push(
      `\nGoal: click ack p99 < ${GOAL_P99_MS} ms under ${fmtInt(WEBHOOK_RATE)} alerts/s, every click 200 — ` +
        `${fmtMs(x.p99)} ms, ${errors} errors: ${pass ? 'PASS' : 'FAIL'}`,
      `Slack's limit (${fmtInt(SLACK_LIMIT_MS)} ms): ${overLimit} clicks over it`,
      `Webhook load: offered at ${fmtInt(WEBHOOK_RATE)} alerts/s on schedule (timer late ≤ ` +
        `${fmtMs(x.webhooks?.result.maxLateMs ?? Number.NaN)} ms), ${fmtInt(webRate)} alerts/s answered 200 during ` +
        `the clicks and their work (${webRate >= WEBHOOK_RATE * 0.95 ? 'kept up' : 'OpsWatch fell behind while the clicks were worked'}); ` +
        `webhook p99 ${fmtMs(percentile(x.webhooks?.result.latencies ?? [], 0.99))} ms`,
    );
  }
  out.push('', ...notes);
  return out.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `OpsWatch Slack click-ack benchmark — ${new Date().toISOString()}, Node ${process.version}, ` +
      `${availableParallelism()} cores, ${fmtInt(CLICKS)} clicks per phase, ${RUNS} run(s) per phase`,
  );
  const fake = await startFakeSlack({ teamId: TEAM_ID });
  cleanups.push(() => fake.close());
  for (const [i, id] of USERS.entries()) {
    fake.addUser({ id, real_name: `Bench User ${i}`, email: `bench${i}@example.com`, tz: 'Europe/London' });
  }

  const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const db = await benchDatabase(adminUrl);
  cleanups.push(() => db.drop());
  const dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
  const apiKey = `bench-${randomBytes(16).toString('hex')}`;
  progress(`OpsWatch: starting (every role, Slack HTTP mode) on database ${dbName}`);
  const server = await startOpsWatch({
    root: ROOT,
    databaseUrl: db.url,
    apiKey,
    roles: 'all',
    nodeArgs: (process.env.BENCH_OPSWATCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    env: {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_DEFAULT_CHANNEL: CHANNEL,
    },
  });
  cleanups.push(() => server.stop());
  const readyRss = procMemory(server.child.pid, 'VmRSS');
  const b: Bench = {
    server,
    fake,
    apiKey,
    dbUrl: db.url,
    dbName,
    expectedAcks: 0,
    nextSeq: 0,
    declared: 0,
    violations: 0,
    told: new Map(),
  };

  progress(`warm-up: ${WARMUP_CLICKS} clicks, ${fmtInt(WEBHOOK_RATE)} webhooks`);
  const warmIds = await declareIncidents(b, WARMUP_CLICKS);
  await settle(b, 60);
  const warm = await closedLoop(clickTarget(b), await clickShots(warmIds, fake), CONCURRENCY, 30);
  b.expectedAcks += warm.alerts;
  const warmHooks = makeShots('webhook', RUN_ID, b.nextSeq, WEBHOOK_RATE, 1, GROUPS);
  b.nextSeq += WEBHOOK_RATE;
  await closedLoop(
    {
      port: server.port,
      path: '/api/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${apiKey}` },
    },
    warmHooks,
    16,
    30,
  );
  if (ANALYZE) await analyze(db.url);
  const unsettled = await settle(b);
  if (unsettled) progress(`  after the warm-up: ${unsettled}`);

  const phases: ClickPhase[] = [];
  for (let run = 1; run <= RUNS; run++) {
    phases.push(await clickPhase(b, 'baseline', run));
    phases.push(await clickPhase(b, 'loaded', run));
  }
  const peakRss = procMemory(server.child.pid, 'VmHWM');
  if (!server.child.running)
    throw new Error(`OpsWatch exited during the benchmark:\n${server.child.output()}`);
  const counts = await slackCounts(db.url);
  const acked = (counts.incidents.acknowledged ?? 0) + (counts.incidents.resolved ?? 0);
  const notes = [
    `OpsWatch peak RSS ${fmtMiB(peakRss)} (${fmtMiB(readyRss)} when ready).`,
    `Database ${dbName} (created for this run); autovacuum ${(await autovacuumOn(db.url)) ? 'on' : 'off'}; ` +
      `${ANALYZE ? 'ANALYZE run after the warm-up' : 'no ANALYZE (BENCH_ANALYZE=0)'}.`,
    `Check: ${fmtInt(acked)} incidents acknowledged for ${fmtInt(b.expectedAcks)} clicks answered 200 ` +
      `(warm-up included)${acked < b.expectedAcks ? ' — MISSING acknowledgements (see what users were told)' : ''}; ` +
      `outbox ${JSON.stringify(counts.outbox)}; fake Slack saw ${b.violations} API-contract violations.`,
    `Warm-up: ${fmtInt(warm.requests)} clicks, ${warm.errors} errors.`,
    b.told.size
      ? `Clicking users were told (response_url):\n${[...b.told].map(([t, n]) => `  ${n} × ${t}`).join('\n')}`
      : 'No click was answered with a message to the user (response_url).',
  ];
  await server.stop();
  await db.drop();
  console.log(report(phases, notes));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await runBench(main);
