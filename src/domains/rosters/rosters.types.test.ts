import { describe, expect, it } from '@jest/globals';
import { fieldsFromZod } from '../../shared/errors.js';
import { layerInputSchema, overrideInputSchema, scheduleInputSchema } from './rosters.types.js';

const layer = {
  name: 'primary',
  participants: ['U1', 'U2'],
  start: '2026-03-02T09:00:00Z',
  turn: { unit: 'weeks', count: 1 },
  handoffTime: '09:00',
};

function problems(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  expect(result.success).toBe(false);
  return fieldsFromZod(result.error?.issues ?? []);
}

describe('schedule schemas', () => {
  it('accepts a schedule and fills the defaults', () => {
    const parsed = scheduleInputSchema.parse({
      name: 'Platform',
      timeZone: 'Europe/London',
      slackChannel: '#platform-oncall',
      layers: [
        { ...layer, restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }] },
      ],
    });
    expect(parsed.layers[0]).toMatchObject({ start: new Date('2026-03-02T09:00:00Z'), handoffWeekday: 1 });
    expect(parsed.overrides).toEqual([]);
  });

  it('accepts Date objects, as a YAML loader may produce', () => {
    expect(
      layerInputSchema.parse({ ...layer, start: new Date('2026-03-02T09:00:00Z') }).start.toISOString(),
    ).toBe('2026-03-02T09:00:00.000Z');
  });

  it('explains what is wrong, field by field', () => {
    const result = scheduleInputSchema.safeParse({
      name: '',
      timeZone: 'Mars/Olympus',
      layers: [
        {
          ...layer,
          participants: [],
          handoffTime: '9am',
          turn: { unit: 'months', count: 0 },
          start: '2026-03-02 09:00',
        },
      ],
    });
    expect(problems(result)).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'A schedule needs a name.' },
        {
          field: 'timeZone',
          message:
            '"Mars/Olympus" is not an IANA time zone name; use one like "Europe/London" or "America/New_York".',
        },
        { field: 'layers.0.participants', message: 'A layer needs at least one participant.' },
        { field: 'layers.0.handoffTime', message: 'handoffTime must be a 24-hour time like "09:00".' },
        { field: 'layers.0.turn.unit', message: 'turn.unit must be one of hours, days or weeks.' },
        { field: 'layers.0.turn.count', message: 'turn.count must be at least 1.' },
        {
          field: 'layers.0.start',
          message: 'start must be an ISO 8601 instant with a time zone offset, e.g. 2026-03-02T09:00:00Z.',
        },
      ]),
    );
  });

  it('checks restriction windows and weekdays', () => {
    const result = layerInputSchema.safeParse({
      ...layer,
      restrictions: [{ weekdays: [0, 8], startTime: '24:00' }],
    });
    expect(problems(result)).toEqual([
      { field: 'restrictions.0.weekdays.0', message: 'A weekday must be from 1 (Monday) to 7 (Sunday).' },
      { field: 'restrictions.0.weekdays.1', message: 'A weekday must be from 1 (Monday) to 7 (Sunday).' },
      { field: 'restrictions.0.startTime', message: 'startTime must be a 24-hour time like "09:00".' },
    ]);
  });

  it('requires an override to end after it starts', () => {
    const ok = overrideInputSchema.parse({
      userId: 'U3',
      start: '2026-03-02T09:00:00Z',
      end: '2026-03-02T17:00:00+01:00',
      replaces: 'U1',
    });
    expect(ok.end.toISOString()).toBe('2026-03-02T16:00:00.000Z');
    const bad = overrideInputSchema.safeParse({
      userId: 'U3',
      start: '2026-03-02T09:00:00Z',
      end: '2026-03-02T09:00:00Z',
    });
    expect(problems(bad)).toEqual([{ field: 'end', message: 'end must be after start.' }]);
  });
});
