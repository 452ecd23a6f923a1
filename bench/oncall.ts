/**
 * On-call resolution benchmark: `onCallAt` and 90-day `shifts` over 1,000 seeded random schedules
 * (4 layers × 20 participants, 50 overrides, DST and non-DST zones), against a naive baseline in this
 * file that walks every turn from the anchor with luxon and merges layers by linear scans.
 *
 *   ./node_modules/.bin/tsx bench/oncall.ts
 */
import { DateTime } from 'luxon';
import { onCallAt, shifts } from '../src/domains/rosters/oncall.calc.js';
import type { Layer, Override, Restriction, ScheduleRules } from '../src/domains/rosters/rosters.types.js';

const SCHEDULES = 1000;
const CALLS = 100_000;
const NAIVE_CALLS = 300;
const NAIVE_SCHEDULES = 30;
const REPEATS = 3;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Europe/Berlin',
  'Australia/Sydney',
  'America/Los_Angeles',
  'UTC',
];
const Y2026 = Date.UTC(2026, 0, 1);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

function makeSchedule(): ScheduleRules {
  const turns: Layer['turn'][] = [
    { unit: 'days', count: 1 },
    { unit: 'weeks', count: 1 },
    { unit: 'hours', count: 8 },
    { unit: 'hours', count: 12 },
    { unit: 'days', count: 2 },
  ];
  const businessHours: Restriction[] = [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }];
  const nights: Restriction[] = [{ startTime: '18:00', endTime: '09:00' }];
  const layers: Layer[] = Array.from({ length: 4 }, (_, i) => ({
    name: `layer ${i}`,
    participants: Array.from({ length: 20 }, () => `u${Math.floor(rand() * 200)}`),
    start: new Date(Date.UTC(2025, 0, 1) + rand() * 360 * DAY),
    turn: pick(turns),
    handoffTime: pick(['06:00', '08:00', '09:00', '10:00', '12:00', '17:00', '18:00']),
    handoffWeekday: 1 + Math.floor(rand() * 7),
    restrictions: i === 3 && rand() < 0.5 ? businessHours : i === 2 && rand() < 0.3 ? nights : undefined,
  }));
  const overrides: Override[] = Array.from({ length: 50 }, (_, i) => {
    const start = Y2026 + Math.floor(rand() * 365 * 96) * 15 * 60_000;
    const replaces = rand() < 0.5 ? pick(pick(layers).participants) : undefined;
    return {
      id: `o${i}`,
      userId: `u${Math.floor(rand() * 200)}`,
      start: new Date(start),
      end: new Date(start + (1 + rand() * 71) * HOUR),
      replaces,
    };
  });
  return { timeZone: pick(ZONES), layers, overrides };
}

// ---------------------------------------------------------------- naive baseline (luxon, no arithmetic)

function naiveTurns(l: Layer, zone: string, until: number): { start: number; end: number; user: string }[] {
  const [h, m] = l.handoffTime.split(':').map(Number);
  let dt = DateTime.fromJSDate(l.start, { zone }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
  while (dt.toMillis() < l.start.getTime() || (l.turn.unit === 'weeks' && dt.weekday !== l.handoffWeekday))
    dt = dt.plus({ days: 1 });
  const out = [];
  for (let k = 0; dt.toMillis() <= until; k++) {
    const next = dt.plus({ [l.turn.unit]: l.turn.count });
    out.push({
      start: dt.toMillis(),
      end: next.toMillis(),
      user: l.participants[k % l.participants.length] ?? '',
    });
    dt = next;
  }
  return out;
}

function inWindow(t: number, zone: string, rs: readonly Restriction[]): boolean {
  const local = DateTime.fromMillis(t, { zone });
  const minute = local.hour * 60 + local.minute + local.second / 60;
  const prevWeekday = local.minus({ days: 1 }).weekday;
  return rs.some((r) => {
    const [sh = 0, sm = 0] = (r.startTime ?? '00:00').split(':').map(Number);
    const [eh = 0, em = 0] = (r.endTime ?? '00:00').split(':').map(Number);
    const [s, e] = [sh * 60 + sm, eh * 60 + em];
    const on = (wd: number) => !r.weekdays || r.weekdays.includes(wd);
    if (e > s) return on(local.weekday) && minute >= s && minute < e;
    return (on(local.weekday) && minute >= s) || (on(prevWeekday) && minute < e);
  });
}

function naiveOnCallAt(s: ScheduleRules, t: number): string | null {
  let user: string | null = null;
  for (let i = s.layers.length - 1; i >= 0 && user === null; i--) {
    const l = s.layers[i] as Layer;
    const turn = naiveTurns(l, s.timeZone, t).find((x) => x.start <= t && t < x.end);
    if (turn && (!l.restrictions || inWindow(t, s.timeZone, l.restrictions))) user = turn.user;
  }
  const layerUser = user;
  for (const o of s.overrides) {
    if (o.start.getTime() <= t && t < o.end.getTime() && (!o.replaces || o.replaces === layerUser))
      user = o.userId;
  }
  return user;
}

function naiveShifts(
  s: ScheduleRules,
  from: number,
  to: number,
): { user: string; start: number; end: number; src: string }[] {
  const perLayer = s.layers.map((l) => naiveTurns(l, s.timeZone, to).filter((x) => x.end > from));
  const points = new Set<number>([from, to]);
  for (const turns of perLayer) for (const x of turns) points.add(x.start).add(x.end);
  for (const o of s.overrides) points.add(o.start.getTime()).add(o.end.getTime());
  // Restriction edges: each local day's windows, found with luxon day by day.
  s.layers.forEach((l) => {
    let day = DateTime.fromMillis(from, { zone: s.timeZone }).startOf('day').minus({ days: 1 });
    for (; day.toMillis() < to; day = day.plus({ days: 1 })) {
      for (const r of l.restrictions ?? []) {
        if (r.weekdays && !r.weekdays.includes(day.weekday)) continue;
        for (const hhmm of [r.startTime ?? '00:00', r.endTime ?? '00:00']) {
          const [h = 0, m = 0] = hhmm.split(':').map(Number);
          points
            .add(day.set({ hour: h, minute: m }).toMillis())
            .add(day.plus({ days: 1 }).set({ hour: h, minute: m }).toMillis());
        }
      }
    }
  });
  const sorted = [...points].filter((p) => p >= from && p <= to).sort((a, b) => a - b);
  const out: { user: string; start: number; end: number; src: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [a, b] = [sorted[i] as number, sorted[i + 1] as number];
    let user: string | null = null;
    let src = '';
    for (let j = s.layers.length - 1; j >= 0 && user === null; j--) {
      const l = s.layers[j] as Layer;
      const turn = perLayer[j]?.find((x) => x.start <= a && a < x.end);
      if (turn && (!l.restrictions || inWindow(a, s.timeZone, l.restrictions)))
        [user, src] = [turn.user, `L${j}`];
    }
    const layerUser = user;
    for (const o of s.overrides) {
      if (o.start.getTime() <= a && a < o.end.getTime() && (!o.replaces || o.replaces === layerUser))
        [user, src] = [o.userId, o.id];
    }
    if (user === null) continue;
    const last = out[out.length - 1];
    if (last && last.end === a && last.user === user && last.src === src) last.end = b;
    else out.push({ user, start: a, end: b, src });
  }
  return out;
}

// ---------------------------------------------------------------- measurement

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

/** Times `run(i)` for i < n, `REPEATS` times; returns the median of each statistic (ns). */
function measure(n: number, run: (i: number) => void): Stats {
  const rounds: Stats[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      run(i);
      times[i] = Number(process.hrtime.bigint() - t0);
    }
    times.sort();
    rounds.push({ p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[n - 1] ?? 0 });
  }
  const median = (k: keyof Stats) => rounds.map((x) => x[k]).sort((a, b) => a - b)[1] ?? 0;
  return { p50: median('p50'), p99: median('p99'), max: median('max') };
}

const us = (ns: number) => `${(ns / 1e3).toFixed(1)} µs`;
const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

const schedules = Array.from({ length: SCHEDULES }, makeSchedule);
const calls = Array.from({ length: CALLS }, () => ({
  s: pick(schedules),
  t: Y2026 + Math.floor(rand() * 365 * DAY),
}));
const windows = schedules.map(() => Y2026 + Math.floor(rand() * 270 * DAY));
const window90 = (i: number) => ({ from: windows[i] ?? Y2026, to: (windows[i] ?? Y2026) + 90 * DAY });

// Warm up the JIT and the zone offset cache on a separate slice.
for (let i = 0; i < 5000; i++) onCallAt(calls[i]?.s ?? makeSchedule(), new Date(calls[i]?.t ?? 0));
for (let i = 0; i < 50; i++)
  shifts(schedules[i] as ScheduleRules, new Date(window90(i).from), new Date(window90(i).to));

const fastOnCall = measure(CALLS, (i) => onCallAt(calls[i]?.s as ScheduleRules, new Date(calls[i]?.t ?? 0)));
const fastShifts = measure(SCHEDULES, (i) =>
  shifts(schedules[i] as ScheduleRules, new Date(window90(i).from), new Date(window90(i).to)),
);
const naiveOnCall = measure(NAIVE_CALLS, (i) =>
  naiveOnCallAt(calls[i]?.s as ScheduleRules, calls[i]?.t ?? 0),
);
const naiveShift = measure(NAIVE_SCHEDULES, (i) =>
  naiveShifts(schedules[i] as ScheduleRules, window90(i).from, window90(i).to),
);

let agreeOnCall = 0;
for (let i = 0; i < NAIVE_CALLS; i++) {
  const c = calls[i];
  if (c && (onCallAt(c.s, new Date(c.t)).userIds[0] ?? null) === naiveOnCallAt(c.s, c.t)) agreeOnCall++;
}
let agreeShifts = 0;
for (let i = 0; i < NAIVE_SCHEDULES; i++) {
  const { from, to } = window90(i);
  const fast = shifts(schedules[i] as ScheduleRules, new Date(from), new Date(to)).map((x) => {
    const src = x.source.kind === 'layer' ? `L${x.source.layerIndex}` : x.source.overrideId;
    return `${x.userId} ${x.start.getTime()} ${x.end.getTime()} ${src}`;
  });
  const slow = naiveShifts(schedules[i] as ScheduleRules, from, to).map(
    (x) => `${x.user} ${x.start} ${x.end} ${x.src}`,
  );
  if (JSON.stringify(fast) === JSON.stringify(slow)) agreeShifts++;
}

const rssMb = process.resourceUsage().maxRSS / 1024;
const ratio = (naive: number, fast: number) => `${(naive / fast).toFixed(0)}x`;
const row = (label: string, n: string, x: Stats, fmt: (ns: number) => string) =>
  `${label.padEnd(20)}${n.padEnd(18)}p50 ${fmt(x.p50).padEnd(12)}p99 ${fmt(x.p99).padEnd(12)}max ${fmt(x.max)}`;
const report = [
  `on-call bench: ${SCHEDULES} schedules × 4 layers × 20 participants, 50 overrides each; ${ZONES.length} zones; medians of ${REPEATS} runs`,
  row('onCallAt', `${CALLS} calls`, fastOnCall, us),
  row('shifts(90 d)', `${SCHEDULES} schedules`, fastShifts, ms),
  row('naive onCallAt', `${NAIVE_CALLS} calls`, naiveOnCall, us),
  row('naive shifts(90 d)', `${NAIVE_SCHEDULES} schedules`, naiveShift, ms),
  `goal onCallAt p99 < 1 ms: ${verdict(fastOnCall.p99 < 1e6)}`,
  `goal shifts(90 d) p99 < 20 ms: ${verdict(fastShifts.p99 < 20e6)}`,
  `onCallAt p50 is ${ratio(naiveOnCall.p50, fastOnCall.p50)} faster than the naive baseline (p99 ${ratio(naiveOnCall.p99, fastOnCall.p99)})`,
  `shifts(90 d) p50 is ${ratio(naiveShift.p50, fastShifts.p50)} faster than the naive baseline (p99 ${ratio(naiveShift.p99, fastShifts.p99)})`,
  `agreement with the baseline: onCallAt ${agreeOnCall}/${NAIVE_CALLS}, shifts ${agreeShifts}/${NAIVE_SCHEDULES}`,
  `peak RSS ${rssMb.toFixed(0)} MB`,
];
console.log(report.join('\n'));
