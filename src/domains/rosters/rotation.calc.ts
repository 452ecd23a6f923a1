import type { Layer } from './rosters.types.js';
import { DAY_MS, fromLocalMs, HOUR_MS, isoWeekdayOf, localDayOf, wallTimeMs } from './zone-time.calc.js';

/**
 * One layer's rotation, compiled for arithmetic: the k-th handoff is found directly from the anchor,
 * never by stepping through the turns before it. All times are epoch ms.
 */
export interface CompiledLayer {
  index: number;
  name: string;
  participants: readonly string[];
  zone: string;
  /** Turn length: elapsed ms for hour turns, local calendar days otherwise. */
  stepMs: number;
  stepDays: number;
  handoffMs: number;
  /** Instant of handoff 0 (participant 0's first turn) and, for day/week turns, its local day. */
  anchor: number;
  anchorDay: number;
  windows: CompiledWindow[] | null;
}

interface CompiledWindow {
  weekdays: ReadonlySet<number> | null;
  startMs: number;
  /** Local ms after the start day's midnight; past 24 h when the window wraps. */
  endMs: number;
}

export interface Segment {
  start: number;
  end: number;
  user: string;
}

export interface LayerState {
  user: string | null;
  /** The next instant at which this layer's answer may change (Infinity: never). */
  end: number;
}

const FAR = Number.POSITIVE_INFINITY;

/** Handoff 0: the first local `handoffTime` (on `handoffWeekday` for weekly turns) at or after `start`. */
function findAnchor(zone: string, start: number, handoffMs: number, weekday: number | null): number {
  const step = weekday === null ? 1 : 7;
  let day = localDayOf(zone, start);
  if (weekday !== null) day += (((weekday - isoWeekdayOf(day)) % 7) + 7) % 7;
  while (fromLocalMs(zone, day * DAY_MS + handoffMs) < start) day += step;
  while (fromLocalMs(zone, (day - step) * DAY_MS + handoffMs) >= start) day -= step;
  return day;
}

export function compileLayer(layer: Layer, index: number, zone: string): CompiledLayer {
  const handoffMs = wallTimeMs(layer.handoffTime);
  const weekly = layer.turn.unit === 'weeks';
  const anchorDay = findAnchor(zone, layer.start.getTime(), handoffMs, weekly ? layer.handoffWeekday : null);
  const restrictions = layer.restrictions ?? [];
  return {
    index,
    name: layer.name,
    participants: layer.participants,
    zone,
    stepMs: layer.turn.unit === 'hours' ? layer.turn.count * HOUR_MS : 0,
    stepDays: layer.turn.unit === 'hours' ? 0 : layer.turn.count * (weekly ? 7 : 1),
    handoffMs,
    anchor: fromLocalMs(zone, anchorDay * DAY_MS + handoffMs),
    anchorDay,
    windows:
      restrictions.length === 0
        ? null
        : restrictions.map((r) => {
            const startMs = wallTimeMs(r.startTime ?? '00:00');
            const endMs = wallTimeMs(r.endTime ?? '00:00');
            return {
              weekdays: r.weekdays ? new Set(r.weekdays) : null,
              startMs,
              endMs: endMs > startMs ? endMs : endMs + DAY_MS,
            };
          }),
  };
}

/** Instant of the k-th handoff (k = 0 is the anchor). */
export function handoffAt(l: CompiledLayer, k: number): number {
  if (l.stepMs > 0) return l.anchor + k * l.stepMs;
  return fromLocalMs(l.zone, (l.anchorDay + k * l.stepDays) * DAY_MS + l.handoffMs);
}

/** Index of the turn in progress at `t` (handoffAt(k) <= t < handoffAt(k + 1)), or -1 before the anchor. */
export function turnAt(l: CompiledLayer, t: number): number {
  if (t < l.anchor) return -1;
  if (l.stepMs > 0) return Math.floor((t - l.anchor) / l.stepMs);
  let k = Math.floor((localDayOf(l.zone, t) - l.anchorDay) / l.stepDays);
  while (k > 0 && handoffAt(l, k) > t) k--;
  while (handoffAt(l, k + 1) <= t) k++;
  return k;
}

function participantOf(l: CompiledLayer, k: number): string {
  return l.participants[k % l.participants.length] ?? '';
}

/** The merged restriction windows meeting [from, to), clipped to it. */
function windowsBetween(l: CompiledLayer, windows: CompiledWindow[], from: number, to: number): Segment[] {
  const raw: Segment[] = [];
  const lastDay = localDayOf(l.zone, to);
  for (let day = localDayOf(l.zone, from) - 1; day <= lastDay; day++) {
    const weekday = isoWeekdayOf(day);
    for (const w of windows) {
      if (w.weekdays && !w.weekdays.has(weekday)) continue;
      const start = Math.max(from, fromLocalMs(l.zone, day * DAY_MS + w.startMs));
      const end = Math.min(to, fromLocalMs(l.zone, day * DAY_MS + w.endMs));
      if (end > start) raw.push({ start, end, user: '' });
    }
  }
  raw.sort((a, b) => a.start - b.start);
  const merged: Segment[] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push(w);
  }
  return merged;
}

/** The layer's turns in [from, to), clipped, with restriction windows applied. */
export function layerSegments(l: CompiledLayer, from: number, to: number): Segment[] {
  const lo = Math.max(from, l.anchor);
  if (lo >= to) return [];
  const turns: Segment[] = [];
  let k = turnAt(l, lo);
  let start = handoffAt(l, k);
  while (start < to) {
    const end = handoffAt(l, k + 1);
    turns.push({ start: Math.max(start, lo), end: Math.min(end, to), user: participantOf(l, k) });
    start = end;
    k++;
  }
  if (!l.windows) return turns;
  const windows = windowsBetween(l, l.windows, lo, to);
  const out: Segment[] = [];
  let i = 0;
  for (const w of windows) {
    while (i < turns.length && (turns[i]?.end ?? FAR) <= w.start) i++;
    for (let j = i; j < turns.length; j++) {
      const turn = turns[j];
      if (!turn || turn.start >= w.end) break;
      out.push({ start: Math.max(turn.start, w.start), end: Math.min(turn.end, w.end), user: turn.user });
    }
  }
  return out;
}

function windowStateAt(
  l: CompiledLayer,
  windows: CompiledWindow[],
  t: number,
): { inside: boolean; end: number } {
  for (const reach of [2 * DAY_MS, 9 * DAY_MS]) {
    const first = windowsBetween(l, windows, t, t + reach)[0];
    if (first)
      return first.start <= t ? { inside: true, end: first.end } : { inside: false, end: first.start };
  }
  return { inside: false, end: t + 9 * DAY_MS };
}

/** Who this layer puts on call at `t`, and until when that answer surely holds. */
export function layerStateAt(l: CompiledLayer, t: number): LayerState {
  if (t < l.anchor) return { user: null, end: l.anchor };
  const k = turnAt(l, t);
  const turnEnd = handoffAt(l, k + 1);
  if (!l.windows) return { user: participantOf(l, k), end: turnEnd };
  const w = windowStateAt(l, l.windows, t);
  if (!w.inside) return { user: null, end: w.end };
  return { user: participantOf(l, k), end: Math.min(turnEnd, w.end) };
}
