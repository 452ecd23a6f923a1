import type { OnCall, Override, ScheduleRules, Shift, ShiftSource, TimeRange } from './rosters.types.js';
import {
  type CompiledLayer,
  compileLayer,
  layerSegments,
  layerStateAt,
  type Segment,
} from './rotation.calc.js';
import { DAY_MS } from './zone-time.calc.js';

/**
 * Who is on call, as pure functions of a schedule and instants (time is always a parameter).
 *
 * Resolution at an instant t:
 * 1. the highest layer (largest index) whose participant is on call at t — that is, t is at or after
 *    the layer's first handoff and inside one of its restriction windows, if it has any — gives the
 *    layer result;
 * 2. an override applies at t when start <= t < end and, if it `replaces` someone, the layer result
 *    is that person; among applicable overrides the last one in the list wins;
 * 3. otherwise the layer result stands; with neither, t is a gap.
 * Ranges are half-open [start, end).
 */

const FAR = Number.POSITIVE_INFINITY;
/** How many consecutive pieces `onCallAt` follows to find where the current shift ends. */
const UNTIL_LOOKAHEAD = 64;

interface Compiled {
  layers: CompiledLayer[];
  overrides: readonly Override[];
}

interface Piece {
  user: string | null;
  source: ShiftSource | null;
  /** The answer surely holds on [t, end). */
  end: number;
}

function compile(schedule: ScheduleRules): Compiled {
  return {
    layers: schedule.layers.map((layer, i) => compileLayer(layer, i, schedule.timeZone)),
    overrides: schedule.overrides,
  };
}

function layerSource(l: CompiledLayer): ShiftSource {
  return { kind: 'layer', layerIndex: l.index, layerName: l.name };
}

function overrideSource(o: Override): ShiftSource {
  return { kind: 'override', overrideId: o.id };
}

function sameSource(a: ShiftSource | null, b: ShiftSource | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'layer') return b.kind === 'layer' && a.layerIndex === b.layerIndex;
  return b.kind === 'override' && a.overrideId === b.overrideId;
}

/** O(layers + overrides): the answer at t and a bound on how long it holds. */
function pieceAt(c: Compiled, t: number): Piece {
  let end = FAR;
  let user: string | null = null;
  let source: ShiftSource | null = null;
  for (let i = c.layers.length - 1; i >= 0; i--) {
    const layer = c.layers[i];
    if (!layer) continue;
    const state = layerStateAt(layer, t);
    end = Math.min(end, state.end);
    if (state.user !== null) {
      user = state.user;
      source = layerSource(layer);
      break;
    }
  }
  const layerUser = user;
  for (const o of c.overrides) {
    const start = o.start.getTime();
    const stop = o.end.getTime();
    if (start > t) {
      end = Math.min(end, start);
    } else if (stop > t) {
      end = Math.min(end, stop);
      if (o.replaces === undefined || o.replaces === layerUser) {
        user = o.userId;
        source = overrideSource(o);
      }
    }
  }
  return { user, source, end };
}

/**
 * Who is on call at `instant`, from which layer or override, and until when. O(layers + overrides):
 * turn indexes are computed from the anchor, not stepped to; `until` follows at most UNTIL_LOOKAHEAD
 * pieces of the same shift (null beyond that, or when the shift never ends).
 */
export function onCallAt(schedule: ScheduleRules, instant: Date): OnCall {
  const c = compile(schedule);
  const first = pieceAt(c, instant.getTime());
  const answer = (until: number | null): OnCall => ({
    userIds: first.user === null ? [] : [first.user],
    source: first.source,
    until: until === null ? null : new Date(until),
  });
  let end = first.end;
  for (let i = 0; i < UNTIL_LOOKAHEAD && end < FAR; i++) {
    const next = pieceAt(c, end);
    if (next.user !== first.user || !sameSource(next.source, first.source)) return answer(end);
    end = next.end;
  }
  return answer(null);
}

/** Boundary instants of all pieces in [from, to), sorted and unique. */
function boundaries(
  from: number,
  to: number,
  perLayer: Segment[][],
  overrides: readonly Override[],
): Float64Array {
  const points: number[] = [from, to];
  for (const segs of perLayer) for (const s of segs) points.push(s.start, s.end);
  for (const o of overrides) {
    const s = o.start.getTime();
    const e = o.end.getTime();
    if (s > from && s < to) points.push(s);
    if (e > from && e < to) points.push(e);
  }
  const sorted = Float64Array.from(points).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] ?? 0;
    if (n === 0 || v !== sorted[n - 1]) sorted[n++] = v;
  }
  return sorted.subarray(0, n);
}

/**
 * The final shifts in [from, to): sorted, non-overlapping, clipped to the range, with adjacent shifts
 * of the same user from the same source merged.
 */
export function shifts(schedule: ScheduleRules, from: Date, to: Date): Shift[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (!(hi > lo)) return [];
  const c = compile(schedule);
  const perLayer = c.layers.map((l) => layerSegments(l, lo, hi));
  const overrides = c.overrides
    .map((o, order) => ({ o, order, start: o.start.getTime(), end: o.end.getTime() }))
    .filter((x) => x.end > lo && x.start < hi)
    .sort((a, b) => a.start - b.start);
  const points = boundaries(
    lo,
    hi,
    perLayer,
    overrides.map((x) => x.o),
  );
  const cursor = perLayer.map(() => 0);
  let active: typeof overrides = [];
  let next = 0;
  const out: Shift[] = [];
  let last: Shift | null = null;
  for (let p = 0; p + 1 < points.length; p++) {
    const a = points[p] ?? 0;
    const b = points[p + 1] ?? 0;
    let user: string | null = null;
    let source: ShiftSource | null = null;
    for (let i = perLayer.length - 1; i >= 0 && user === null; i--) {
      const segs = perLayer[i] ?? [];
      let k = cursor[i] ?? 0;
      while (k < segs.length && (segs[k]?.end ?? FAR) <= a) k++;
      cursor[i] = k;
      const seg = segs[k];
      const layer = c.layers[i];
      if (seg && layer && seg.start <= a) {
        user = seg.user;
        source = layerSource(layer);
      }
    }
    for (let x = overrides[next]; x && x.start <= a; x = overrides[++next]) active.push(x);
    active = active.filter((x) => x.end > a);
    let winner: (typeof overrides)[number] | undefined;
    for (const x of active) {
      if ((!winner || x.order > winner.order) && (x.o.replaces === undefined || x.o.replaces === user))
        winner = x;
    }
    if (winner) {
      user = winner.o.userId;
      source = overrideSource(winner.o);
    }
    if (user === null || source === null) continue;
    if (last && last.end.getTime() === a && last.userId === user && sameSource(last.source, source)) {
      last.end = new Date(b);
    } else {
      last = { userId: user, start: new Date(a), end: new Date(b), source };
      out.push(last);
    }
  }
  return out;
}

/** The uncovered ranges in [from, to). */
export function gaps(schedule: ScheduleRules, from: Date, to: Date): TimeRange[] {
  const out: TimeRange[] = [];
  let cursor = from.getTime();
  for (const s of shifts(schedule, from, to)) {
    if (s.start.getTime() > cursor) out.push({ start: new Date(cursor), end: s.start });
    cursor = s.end.getTime();
  }
  if (to.getTime() > cursor) out.push({ start: new Date(cursor), end: to });
  return out;
}

/**
 * The user's shift in progress at `at`, looking up to `reachMs` either side for its true start and end
 * (a longer shift comes back clipped to that reach).
 */
export function currentShiftFor(
  schedule: ScheduleRules,
  userId: string,
  at: Date,
  reachMs = 35 * DAY_MS,
): Shift | null {
  const t = at.getTime();
  const list = shifts(schedule, new Date(t - reachMs), new Date(t + reachMs));
  return list.find((s) => s.userId === userId && s.start.getTime() <= t && s.end.getTime() > t) ?? null;
}

/** The user's first shift starting after `from` and before `horizon` (a shift in progress does not count). */
export function nextShiftFor(
  schedule: ScheduleRules,
  userId: string,
  from: Date,
  horizon: Date,
): Shift | null {
  const t = from.getTime();
  const found = shifts(schedule, from, horizon).find((s) => s.userId === userId && s.start.getTime() > t);
  if (!found || found.end.getTime() < horizon.getTime()) return found ?? null;
  return currentShiftFor(schedule, userId, found.start) ?? found;
}
