import { createHash } from 'node:crypto';
import ical, { ICalEventBusyStatus, ICalEventTransparency } from 'ical-generator';
import type { Shift } from './rosters.types.js';

export interface ScheduleICalInput {
  /** Used for stable event UIDs. */
  scheduleId: string;
  /** The schedule's name, shown in the calendar name and every SUMMARY. */
  name: string;
  shifts: readonly Shift[];
  /** Display names by user id; the user id is shown when a name is missing. */
  userNames: Readonly<Record<string, string>>;
  /** The schedule's zone, advertised to clients as X-WR-TIMEZONE; times themselves are written in UTC. */
  timeZone: string;
  /** DTSTAMP of every event, so the same shifts always give the same text. */
  now: Date;
  /** Link back to the schedule, set on the calendar and on every event. */
  url?: string | undefined;
}

/** A stable UID for a shift: the same schedule, start and user always give the same id. */
export function shiftUid(scheduleId: string, shift: Pick<Shift, 'start' | 'userId'>): string {
  const digest = createHash('sha256')
    .update(`${scheduleId}\n${shift.start.toISOString()}\n${shift.userId}`)
    .digest('hex')
    .slice(0, 32);
  return `${digest}@opswatch`;
}

function describeSource(shift: Shift): string {
  return shift.source.kind === 'layer' ? `Layer: ${shift.source.layerName}` : 'Override';
}

/** An RFC 5545 calendar with one VEVENT per shift, DTSTART/DTEND in UTC. */
export function scheduleToICal(input: ScheduleICalInput): string {
  const calendar = ical({
    name: `On call: ${input.name}`,
    prodId: { company: 'OpsWatch', product: 'Rosters', language: 'EN' },
    url: input.url ?? null,
    x: [['X-WR-TIMEZONE', input.timeZone]],
  });
  for (const shift of input.shifts) {
    const person = input.userNames[shift.userId] ?? shift.userId;
    calendar.createEvent({
      id: shiftUid(input.scheduleId, shift),
      start: shift.start,
      end: shift.end,
      stamp: input.now,
      summary: `On call: ${person} (${input.name})`,
      description: describeSource(shift),
      url: input.url ?? null,
      busystatus: ICalEventBusyStatus.FREE,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}
