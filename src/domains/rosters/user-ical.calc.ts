import ical, { ICalEventBusyStatus, ICalEventTransparency } from 'ical-generator';
import { shiftUid } from './ical.calc.js';
import type { Shift } from './rosters.types.js';

export interface UserICalInput {
  userName: string;
  /** The user's zone, advertised as X-WR-TIMEZONE; times are written in UTC. */
  timeZone: string;
  /** The user's shifts, each with the schedule it belongs to. */
  shifts: readonly { scheduleId: string; scheduleName: string; shift: Shift }[];
  now: Date;
}

/** One calendar of a person's shifts across schedules; UIDs match the schedule feeds' for the same shift. */
export function userToICal(input: UserICalInput): string {
  const calendar = ical({
    name: `On call: ${input.userName}`,
    prodId: { company: 'OpsWatch', product: 'Rosters', language: 'EN' },
    x: [['X-WR-TIMEZONE', input.timeZone]],
  });
  const sorted = [...input.shifts].sort((a, b) => a.shift.start.getTime() - b.shift.start.getTime());
  for (const { scheduleId, scheduleName, shift } of sorted) {
    calendar.createEvent({
      id: shiftUid(scheduleId, shift),
      start: shift.start,
      end: shift.end,
      stamp: input.now,
      summary: `On call: ${scheduleName}`,
      description: shift.source.kind === 'layer' ? `Layer: ${shift.source.layerName}` : 'Override',
      busystatus: ICalEventBusyStatus.FREE,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}
