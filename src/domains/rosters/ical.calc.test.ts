import { describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import { scheduleToICal, shiftUid } from './ical.calc.js';
import { shifts } from './oncall.calc.js';
import { layerInputSchema, type ScheduleRules } from './rosters.types.js';

const london: ScheduleRules = {
  timeZone: 'Europe/London',
  layers: [
    layerInputSchema.parse({
      name: 'primary',
      participants: ['U1', 'U2', 'U3'],
      start: '2026-03-01T00:00:00Z',
      turn: { unit: 'days', count: 1 },
      handoffTime: '09:00',
    }),
  ],
  overrides: [
    {
      id: 'ovr-1',
      userId: 'U9',
      start: new Date('2026-03-28T12:00:00Z'),
      end: new Date('2026-03-28T18:00:00Z'),
    },
  ],
};
const names = { U1: 'Alice', U2: 'Bob, "the builder"', U3: 'Chloé; nights' };
const now = new Date('2026-03-20T10:00:00Z');

function events(text: string): VEvent[] {
  return Object.values(ical.sync.parseICS(text))
    .filter((c): c is VEvent => c?.type === 'VEVENT')
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

describe('scheduleToICal', () => {
  const list = shifts(london, new Date('2026-03-26T00:00:00Z'), new Date('2026-04-02T00:00:00Z'));
  const text = scheduleToICal({
    scheduleId: 'sch-1',
    name: 'Platform',
    shifts: list,
    userNames: names,
    timeZone: 'Europe/London',
    now,
    url: 'https://opswatch.example.com/schedules/sch-1',
  });

  it('writes one event per shift with the exact start, end and summary (across the DST change)', () => {
    const parsed = events(text);
    expect(parsed).toHaveLength(list.length);
    expect(list).toHaveLength(10);
    parsed.forEach((event, i) => {
      const shift = list[i]!;
      expect(event.start.toISOString()).toBe(shift.start.toISOString());
      expect(event.end?.toISOString()).toBe(shift.end.toISOString());
      const name = names[shift.userId as keyof typeof names] ?? shift.userId;
      expect(event.summary).toBe(`On call: ${name} (Platform)`);
      expect(event.uid).toBe(shiftUid('sch-1', shift));
      expect(event.dtstamp.toISOString()).toBe(now.toISOString());
    });
    expect(parsed.map((e) => e.start.toISOString())).toContain('2026-03-29T08:00:00.000Z');
    expect(parsed.some((e) => e.summary === 'On call: U9 (Platform)')).toBe(true);
  });

  it('is deterministic and writes times in UTC', () => {
    const again = scheduleToICal({
      scheduleId: 'sch-1',
      name: 'Platform',
      shifts: list,
      userNames: names,
      timeZone: 'Europe/London',
      now,
    });
    expect(events(again).map((e) => e.uid)).toEqual(events(text).map((e) => e.uid));
    expect(text).toMatch(/DTSTART:20260329T080000Z/);
    expect(text).toContain('X-WR-TIMEZONE:Europe/London');
    expect(text).toContain('URL;VALUE=URI:https://opswatch.example.com/schedules/sch-1');
  });

  it('gives stable UIDs that change with the schedule, the start or the person', () => {
    const shift = list[1]!;
    expect(shiftUid('sch-1', shift)).toBe(shiftUid('sch-1', { ...shift }));
    expect(shiftUid('sch-2', shift)).not.toBe(shiftUid('sch-1', shift));
    expect(shiftUid('sch-1', { ...shift, userId: 'U7' })).not.toBe(shiftUid('sch-1', shift));
    expect(shiftUid('sch-1', { ...shift, start: new Date(shift.start.getTime() + 1000) })).not.toBe(
      shiftUid('sch-1', shift),
    );
  });

  it('writes a valid empty calendar when there are no shifts', () => {
    const empty = scheduleToICal({
      scheduleId: 's',
      name: 'Empty',
      shifts: [],
      userNames: {},
      timeZone: 'UTC',
      now,
    });
    expect(empty).toMatch(/^BEGIN:VCALENDAR/);
    expect(events(empty)).toEqual([]);
  });
});
