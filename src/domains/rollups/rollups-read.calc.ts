import { STEP_MS, type Step } from './series.calc.js';

/** A part of a range read at one step. */
export interface Segment {
  step: Step;
  from: Date;
  to: Date;
}

/**
 * How to read [from, to) exactly with the fewest rows: whole hours already built (before `hoursDoneUntil`) from
 * hour rows, the rest (a partial hour at either end, hours not built yet) from minute rows. Minute rows older
 * than their retention are gone, so a range older than that reads only its hours.
 */
export function segmentsOf(from: Date, to: Date, hoursDoneUntil: Date | null): Segment[] {
  const f = from.getTime();
  const t = to.getTime();
  if (!(t > f)) return [];
  const H = STEP_MS.hour;
  const firstHour = Math.ceil(f / H) * H;
  const done = hoursDoneUntil ? Math.floor(hoursDoneUntil.getTime() / H) * H : Number.NEGATIVE_INFINITY;
  const lastHour = Math.min(Math.floor(t / H) * H, done);
  if (!(lastHour > firstHour)) return [{ step: 'minute', from, to }];
  const out: Segment[] = [];
  if (firstHour > f) out.push({ step: 'minute', from, to: new Date(firstHour) });
  out.push({ step: 'hour', from: new Date(firstHour), to: new Date(lastHour) });
  if (t > lastHour) out.push({ step: 'minute', from: new Date(lastHour), to });
  return out;
}
