import { describe, expect, it } from '@jest/globals';
import type { InputBlock, StaticSelect, Timepicker } from '@slack/types';
import { ONCALL_INPUTS, VIEWS } from './ids.js';
import { checkLimits, describeViolation } from './limits.js';
import { overrideCreated, overrideModal } from './override-modal.blocks.js';
import { FIXED_NOW } from './view-fixtures.js';

const input = (blocks: unknown[], blockId: string) =>
  blocks.find((b) => (b as InputBlock).block_id === blockId) as InputBlock;
const initial = {
  userSlackId: 'U0ALICE',
  startDate: '2026-03-02',
  startTime: '10:00',
  endDate: '2026-03-02',
  endTime: '18:00',
};
const schedules = [
  { id: 'b0000000-0000-4000-8000-000000000002', name: 'Support' },
  { id: 'a0000000-0000-4000-8000-000000000001', name: 'Payments' },
];

describe('overrideModal', () => {
  it('asks for schedule, who covers, whom they replace and start/end pickers in the caller’s zone', () => {
    const view = overrideModal({
      schedules,
      timeZone: 'Europe/London',
      initial: { ...initial, scheduleId: 'b0000000-0000-4000-8000-000000000002' },
      privateMetadata: '{"zone":"Europe/London"}',
    });
    expect(view.callback_id).toBe(VIEWS.override);
    expect(view.private_metadata).toBe('{"zone":"Europe/London"}');
    expect(view.blocks.slice(1).map((b) => b.block_id)).toEqual([
      ONCALL_INPUTS.schedule.blockId,
      ONCALL_INPUTS.user.blockId,
      ONCALL_INPUTS.replaces.blockId,
      ONCALL_INPUTS.startDate.blockId,
      ONCALL_INPUTS.startTime.blockId,
      ONCALL_INPUTS.endDate.blockId,
      ONCALL_INPUTS.endTime.blockId,
    ]);
    const select = input(view.blocks, ONCALL_INPUTS.schedule.blockId).element as StaticSelect;
    expect(select.options?.map((o) => o.text.text)).toEqual(['Payments', 'Support']);
    expect(select.initial_option?.value).toBe('b0000000-0000-4000-8000-000000000002');
    expect(input(view.blocks, ONCALL_INPUTS.user.blockId).element).toMatchObject({
      type: 'users_select',
      action_id: ONCALL_INPUTS.user.actionId,
      initial_user: 'U0ALICE',
    });
    const replaces = input(view.blocks, ONCALL_INPUTS.replaces.blockId);
    expect(replaces.optional).toBe(true);
    expect(replaces.element).not.toHaveProperty('initial_user');
    expect(input(view.blocks, ONCALL_INPUTS.startDate.blockId).element).toEqual({
      type: 'datepicker',
      action_id: ONCALL_INPUTS.startDate.actionId,
      initial_date: '2026-03-02',
    });
    const endTime = input(view.blocks, ONCALL_INPUTS.endTime.blockId).element as Timepicker;
    expect(endTime).toEqual({
      type: 'timepicker',
      action_id: ONCALL_INPUTS.endTime.actionId,
      initial_time: '18:00',
      timezone: 'Europe/London',
    });
    expect(JSON.stringify(view.blocks[0])).toContain('*Europe/London*, your Slack time zone');
    expect(checkLimits('modal', view)).toEqual([]);
  });

  it('groups hundreds of schedules and stays within Slack’s limits', () => {
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      id: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
      name: `${String(i).padStart(5, '0')} ${'n'.repeat(300)}`,
    }));
    const view = overrideModal({
      schedules: [...many, { id: 'x'.repeat(500), name: 'id too long for an option' }],
      timeZone: 'America/Argentina/ComodRivadavia',
      initial,
      privateMetadata: '{'.repeat(3000),
    });
    const select = input(view.blocks, ONCALL_INPUTS.schedule.blockId).element as StaticSelect;
    expect(select.option_groups).toHaveLength(100);
    expect(checkLimits('modal', view).map(describeViolation)).toEqual([]);
    expect(() =>
      overrideModal({ schedules, timeZone: 'UTC', initial, privateMetadata: 'x'.repeat(3001) }),
    ).toThrow(/3000/);
  });
});

describe('overrideCreated', () => {
  const opts = { now: FIXED_NOW, baseUrl: '', timeZone: 'America/New_York' };
  it('says what was created, in the caller’s zone, and how a skipped or repeated time was read', () => {
    const msg = overrideCreated(
      {
        scheduleName: 'Payments',
        person: { name: 'Dave', slackUserId: 'U0DAVE' },
        replaces: { name: 'Alice', slackUserId: 'U0ALICE' },
        start: new Date('2026-03-08T07:00:00Z'),
        end: new Date('2026-11-01T05:30:00Z'),
        adjustments: [
          {
            field: 'start',
            adjustment: { kind: 'skipped', requested: '02:30', jumpFrom: '02:00', jumpTo: '03:00' },
          },
          {
            field: 'end',
            adjustment: { kind: 'repeated', requested: '01:30', other: new Date('2026-11-01T06:30:00Z') },
          },
        ],
      },
      opts,
    );
    const t = JSON.stringify(msg.blocks);
    expect(t).toContain(
      ':white_check_mark: Override added to *Payments*: <@U0DAVE> covers <@U0ALICE>’s shifts, Sun 8 Mar 03:00 EDT – Sun 1 Nov 01:30 EDT.',
    );
    expect(t).toContain(
      '02:30 does not exist on Sun 8 Mar in America/New_York (the clocks jump from 02:00 to 03:00), so the override starts at Sun 8 Mar 03:00 EDT.',
    );
    expect(t).toContain(
      '01:30 happens twice on Sun 1 Nov in America/New_York (the clocks go back); the override ends at the first, Sun 1 Nov 01:30 EDT, not Sun 1 Nov 01:30 EST.',
    );
    expect(t).toContain('Times in America/New_York');
    expect(checkLimits('message', msg)).toEqual([]);
  });

  it('covers the whole schedule when nobody is replaced', () => {
    const msg = overrideCreated(
      {
        scheduleName: 'Payments',
        person: { name: 'Dave', slackUserId: null },
        replaces: null,
        start: new Date('2026-01-05T15:00:00Z'),
        end: new Date('2026-01-05T17:00:00Z'),
        adjustments: [],
      },
      opts,
    );
    expect(JSON.stringify(msg.blocks)).toContain(
      '*Dave* covers the whole schedule, Mon 10:00 EST – 12:00 EST.',
    );
  });
});
