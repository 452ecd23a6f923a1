/**
 * Slack delivery benchmark: what the Slack scenario tests used to time, measured here instead of asserted in
 * `npm test`.
 *
 * - **card latency**: from a generic webhook being sent to its incident's card reaching Slack, posted by the
 *   worker role (woken by LISTEN/NOTIFY) with no one calling `deliverOnce` — against the webhook's own answer
 *   time (the commit), in the same run. One webhook at a time, each waiting for its card (`isolated`: what
 *   `test/slack-worker.scenario.test.ts` asserted, < 2,000 ms for one card; the goal is p99 < 2,000 ms), and
 *   `BENCH_CONCURRENCY` in flight (`burst`: cards queue behind each other in the channel's lane).
 * - **webhooks while Slack is down**: webhook answer times with Slack refusing connections, against the same
 *   webhooks with Slack up. Goal: p99 < 1,000 ms and no slower than with Slack up by more than noise
 *   (`test/slack-delivery.scenario.test.ts` asserted < 1,000 ms for three webhooks).
 * - **recovery**: once Slack is back, how long until every card held back is posted, and that none is posted
 *   twice.
 *
 *   npx tsx bench/slack-delivery.ts        (BENCH_WEBHOOKS, BENCH_CONCURRENCY, BENCH_ADMIN_URL; see bench/README.md)
 *
 * OpsWatch runs every role (`start`, Slack in HTTP mode) on a fresh PostgreSQL database; Slack's Web API is the
 * test harness's fake, in this process, so the time a call reaches it is read from the same clock as the sends.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type FakeSlack, startFakeSlack } from '../test/harness/fake-slack.js';
import { benchDatabase, DEFAULT_ADMIN_URL } from './lib/database.js';
import { cleanups, runBench } from './lib/run.js';
import { startOpsWatch } from './lib/servers.js';
import { fmtInt, fmtMs, fmtRatio, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const WEBHOOKS = Math.round(num('BENCH_WEBHOOKS', 300));
const CONCURRENCY = Math.round(num('BENCH_CONCURRENCY', 4));
const WARMUP = 50;
const ISOLATED = Math.round(num('BENCH_ISOLATED', 50));
const CARD_TIMEOUT_MS = 120_000;
const GOAL_CARD_P99_MS = 2000;
const GOAL_DOWN_P99_MS = 1000;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_ID = randomBytes(3).toString('hex');
const CHANNEL = 'C0BENCH';
const progress = (line: string) => process.stderr.write(`${line}\n`);

interface Sent {
  title: string;
  /** Wall clock (ms) when the request left: the fake Slack stamps its calls with the same clock. */
  sentAt: number;
  answerMs: number;
  status: number;
}

interface Target {
  url: string;
  apiKey: string;
}

/** Sends `n` generic webhooks (one new alert each), `CONCURRENCY` in flight; times each answer. */
async function sendWebhooks(
  target: Target,
  label: string,
  n: number,
  concurrency = CONCURRENCY,
): Promise<Sent[]> {
  const out: Sent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const title = `Delivery bench ${RUN_ID} ${label} ${i}`;
      const body = JSON.stringify({
        title,
        severity: 'P2',
        service: 'bench',
        dedup_key: `${RUN_ID}-${label}-${i}`,
      });
      const sentAt = Date.now();
      const t0 = performance.now();
      const res = await fetch(`${target.url}/api/v1/webhooks/generic`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      out.push({ title, sentAt, answerMs: performance.now() - t0, status: res.status });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Waits until each sent webhook's card is posted (or the timeout); the posting call of each title. */
async function cardsFor(
  fake: FakeSlack,
  sent: readonly Sent[],
  timeoutMs: number,
): Promise<Map<string, Date[]>> {
  const deadline = Date.now() + timeoutMs;
  const titles = new Set(sent.map((s) => s.title));
  const found = new Map<string, Date[]>();
  for (;;) {
    found.clear();
    for (const c of fake.callsTo('chat.postMessage')) {
      if (!c.ok || c.args.thread_ts) continue;
      const text = String(c.args.text ?? '');
      const title = text.match(/Triggered: (Delivery bench \S+ \S+ \d+)/)?.[1];
      if (title && titles.has(title)) found.set(title, [...(found.get(title) ?? []), c.at]);
    }
    if (found.size === titles.size || Date.now() > deadline) return found;
    await sleep(20);
  }
}

/** One webhook at a time, each waiting for its card: the latency of a card on its own. */
async function isolatedCards(
  fake: FakeSlack,
  target: Target,
  n: number,
): Promise<{ cardMs: number[]; answerMs: number[] }> {
  const cardMs: number[] = [];
  const answerMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const [sent] = await sendWebhooksOne(target, `iso${i}`);
    if (!sent) continue;
    answerMs.push(sent.answerMs);
    const call = await fake
      .waitFor('chat.postMessage', (c) => String(c.args.text ?? '').includes(sent.title), 30_000)
      .catch(() => null);
    if (call) cardMs.push(call.at.getTime() - sent.sentAt);
  }
  return { cardMs, answerMs };
}

const sendWebhooksOne = (target: Target, label: string) => sendWebhooks(target, label, 1, 1);

const stats = (xs: readonly number[]) => ({
  p50: percentile(xs, 0.5),
  p99: percentile(xs, 0.99),
  max: percentile(xs, 1),
});

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `OpsWatch Slack delivery benchmark — ${new Date().toISOString()}, Node ${process.version}, ` +
      `${availableParallelism()} cores, ${fmtInt(WEBHOOKS)} webhooks per phase, ${CONCURRENCY} in flight`,
  );
  const fake = await startFakeSlack({ teamId: 'T0BENCH' });
  cleanups.push(() => fake.close());
  const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const db = await benchDatabase(adminUrl);
  cleanups.push(() => db.drop());
  const apiKey = `bench-${randomBytes(16).toString('hex')}`;
  progress('OpsWatch: starting (every role, Slack HTTP mode)');
  const server = await startOpsWatch({
    root: ROOT,
    databaseUrl: db.url,
    apiKey,
    roles: 'all',
    env: {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: `bench-signing-${randomBytes(12).toString('hex')}`,
      SLACK_API_URL: fake.apiUrl,
      SLACK_DEFAULT_CHANNEL: CHANNEL,
    },
  });
  cleanups.push(() => server.stop());
  const target = { url: `http://127.0.0.1:${server.port}`, apiKey };

  progress(`warm-up: ${WARMUP} webhooks`);
  const warm = await sendWebhooks(target, 'warm', WARMUP);
  await cardsFor(fake, warm, 60_000);

  progress(`Slack up: ${ISOLATED} webhooks one at a time, each waiting for its card`);
  const iso = await isolatedCards(fake, target, ISOLATED);

  progress(`Slack up: ${WEBHOOKS} webhooks, ${CONCURRENCY} in flight`);
  const up = await sendWebhooks(target, 'up', WEBHOOKS);
  const upCards = await cardsFor(fake, up, CARD_TIMEOUT_MS);
  const cardMs = up.flatMap((s) => {
    const at = upCards.get(s.title)?.[0];
    return at ? [at.getTime() - s.sentAt] : [];
  });

  progress(`Slack down (refusing connections): ${WEBHOOKS} webhooks`);
  await fake.down('refuse');
  const down = await sendWebhooks(target, 'down', WEBHOOKS);
  // Give the worker time to try (and fail) before Slack comes back.
  await sleep(3000);
  await fake.up();
  const backAt = Date.now();
  progress('Slack back: waiting for the held cards');
  const downCards = await cardsFor(fake, down, CARD_TIMEOUT_MS);
  const lastCard = Math.max(...[...downCards.values()].flat().map((d) => d.getTime()));

  const upAnswer = stats(up.map((s) => s.answerMs));
  const downAnswer = stats(down.map((s) => s.answerMs));
  const card = stats(cardMs);
  const isoCard = stats(iso.cardMs);
  const isoAnswer = stats(iso.answerMs);
  const bad = [...warm, ...up, ...down].filter((s) => s.status !== 200).length;
  const twice = [...upCards.values(), ...downCards.values()].filter((ats) => ats.length > 1).length;
  const violations = fake.violations.length;
  await server.stop();
  await db.drop();

  const out: string[] = [];
  out.push(
    '\nWebhook answer time (ms), Slack up and Slack refusing connections',
    table(
      ['', 'Slack up', 'Slack down', 'down / up'],
      (['p50', 'p99', 'max'] as const).map((k) => [
        k,
        fmtMs(upAnswer[k]),
        fmtMs(downAnswer[k]),
        fmtRatio(downAnswer[k] / upAnswer[k]),
      ]),
    ),
    '\nCard latency with Slack up: webhook sent → card posted by the worker (ms), against the webhook answer',
    table(
      [
        '',
        'isolated card',
        'its webhook',
        'card / answer',
        `burst card (${CONCURRENCY} in flight)`,
        'its webhook',
      ],
      (['p50', 'p99', 'max'] as const).map((k) => [
        k,
        fmtMs(isoCard[k]),
        fmtMs(isoAnswer[k]),
        fmtRatio(isoCard[k] / isoAnswer[k]),
        fmtMs(card[k]),
        fmtMs(upAnswer[k]),
      ]),
    ),
    `\nGoal: isolated card p99 < ${fmtInt(GOAL_CARD_P99_MS)} ms — ${fmtMs(isoCard.p99)} ms, ` +
      `${fmtInt(iso.cardMs.length)}/${fmtInt(ISOLATED)} cards: ` +
      `${isoCard.p99 < GOAL_CARD_P99_MS && iso.cardMs.length === ISOLATED ? 'PASS' : 'FAIL'}`,
    `Burst: ${fmtInt(cardMs.length)}/${fmtInt(WEBHOOKS)} cards posted, the last ${fmtMs(card.max)} ms after its webhook`,
    `Goal: webhook p99 < ${fmtInt(GOAL_DOWN_P99_MS)} ms while Slack is down — ${fmtMs(downAnswer.p99)} ms: ` +
      `${downAnswer.p99 < GOAL_DOWN_P99_MS ? 'PASS' : 'FAIL'}`,
    `Recovery: ${fmtInt(downCards.size)}/${fmtInt(WEBHOOKS)} cards held back were posted, the last ` +
      `${Number.isFinite(lastCard) ? ((lastCard - backAt) / 1000).toFixed(1) : '–'} s after Slack came back ` +
      '(the outbox backs off while Slack refuses; see src/domains/notify/backoff.calc.ts)',
    `Checks: ${bad} webhooks not answered 200; ${twice} cards posted more than once; ` +
      `${violations} Slack API-contract violations seen by the fake.`,
    `\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(out.join('\n'));
}

await runBench(main);
