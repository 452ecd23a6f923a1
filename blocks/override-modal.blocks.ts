/** The `/oncall override` modal, and the message confirming what it created. */
import type {
  Datepicker,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
  StaticSelect,
  Timepicker,
  UsersSelect,
} from '@slack/types';
import { DateTime } from 'luxon';
import { AppError } from '../src/shared/errors.js';
import { inline, mrkdwn, plain } from './format.js';
import { ONCALL_INPUTS, VIEWS } from './ids.js';
import { LIMITS } from './limits.js';
import { mention, NAME_MAX, range, readerZone, when, zoneNote } from './oncall-lines.js';
import type { BlockOptions, MessagePayload, OverrideCreatedView, WallTimeAdjustment } from './types.js';

export interface OverrideModalInput {
  /** The tenant's schedules to choose from. */
  schedules: readonly { id: string; name: string }[];
  /** The caller's IANA zone: the pickers' times are in it (and the time pickers say so). */
  timeZone: string;
  initial: {
    scheduleId?: string;
    /** Who covers: the caller by default. */
    userSlackId?: string;
    /** `YYYY-MM-DD` and `HH:mm` in `timeZone`. */
    startDate: string;
    startTime: string;
    endDate: string;
    endTime: string;
  };
  /** Already encoded with `encodeMetadata`. */
  privateMetadata: string;
}

function option(s: { id: string; name: string }): PlainTextOption {
  return { text: plain(s.name, LIMITS.optionText), value: s.id };
}

/** A static select of schedules by name; option groups of 100 when there are more than 100. */
function scheduleSelect(input: OverrideModalInput): StaticSelect {
  const usable = input.schedules
    .filter((s) => s.id.length > 0 && s.id.length <= LIMITS.optionValue)
    .sort((a, b) => a.name.localeCompare(b.name));
  const base: StaticSelect = {
    type: 'static_select',
    action_id: ONCALL_INPUTS.schedule.actionId,
    placeholder: plain('Choose a schedule', LIMITS.placeholder),
  };
  const initial = usable.find((s) => s.id === input.initial.scheduleId);
  if (initial) base.initial_option = option(initial);
  if (usable.length <= LIMITS.selectOptions) return { ...base, options: usable.map(option) };
  const capped = usable.slice(0, LIMITS.optionGroups * LIMITS.selectOptions);
  const groups: NonNullable<StaticSelect['option_groups']> = [];
  for (let i = 0; i < capped.length; i += LIMITS.selectOptions) {
    const chunk = capped.slice(i, i + LIMITS.selectOptions);
    const first = chunk[0]?.name ?? '';
    const last = chunk.at(-1)?.name ?? '';
    groups.push({
      label: plain(`${first.slice(0, 30)} – ${last.slice(0, 30)}`, LIMITS.optionText),
      options: chunk.map(option),
    });
  }
  return { ...base, option_groups: groups };
}

function input(
  ids: { blockId: string; actionId: string },
  label: string,
  element: InputBlock['element'],
  extra: Partial<InputBlock> = {},
): InputBlock {
  return { type: 'input', block_id: ids.blockId, label: plain(label, LIMITS.inputLabel), element, ...extra };
}

function datepicker(ids: { actionId: string }, initial: string): Datepicker {
  return { type: 'datepicker', action_id: ids.actionId, initial_date: initial };
}

function timepicker(ids: { actionId: string }, initial: string, zone: string): Timepicker {
  return { type: 'timepicker', action_id: ids.actionId, initial_time: initial, timezone: zone };
}

function users(ids: { actionId: string }, placeholder: string, initial?: string): UsersSelect {
  return {
    type: 'users_select',
    action_id: ids.actionId,
    placeholder: plain(placeholder, LIMITS.placeholder),
    ...(initial ? { initial_user: initial } : {}),
  };
}

/** The override modal (callback id `VIEWS.override`). */
export function overrideModal(m: OverrideModalInput): ModalView {
  if (m.privateMetadata.length > LIMITS.privateMetadata)
    throw new AppError(
      'too_large',
      `private_metadata is ${m.privateMetadata.length} characters; Slack allows 3000.`,
    );
  const zone = inline(m.timeZone, 100);
  const i = m.initial;
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [mrkdwn(`:clock3: Start and end are in *${zone}*, your Slack time zone.`, LIMITS.textObject)],
    },
    input(ONCALL_INPUTS.schedule, 'Schedule', scheduleSelect(m)),
    input(ONCALL_INPUTS.user, 'Who covers', users(ONCALL_INPUTS.user, 'Choose a person', i.userSlackId)),
    input(
      ONCALL_INPUTS.replaces,
      'Whom they replace',
      users(ONCALL_INPUTS.replaces, 'Nobody: the whole schedule'),
      {
        optional: true,
        hint: plain(
          'Leave empty to cover the whole schedule; pick someone to cover only their shifts.',
          LIMITS.inputHint,
        ),
      },
    ),
    input(ONCALL_INPUTS.startDate, 'Start date', datepicker(ONCALL_INPUTS.startDate, i.startDate)),
    input(
      ONCALL_INPUTS.startTime,
      'Start time',
      timepicker(ONCALL_INPUTS.startTime, i.startTime, m.timeZone),
    ),
    input(ONCALL_INPUTS.endDate, 'End date', datepicker(ONCALL_INPUTS.endDate, i.endDate)),
    input(ONCALL_INPUTS.endTime, 'End time', timepicker(ONCALL_INPUTS.endTime, i.endTime, m.timeZone)),
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.override,
    private_metadata: m.privateMetadata,
    title: plain('Add override', LIMITS.viewTitle),
    submit: plain('Add override', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}

function adjustmentText(field: 'start' | 'end', a: WallTimeAdjustment, at: Date, opts: BlockOptions): string {
  const zone = readerZone(opts);
  const day = DateTime.fromJSDate(at, { zone }).setLocale('en-GB').toFormat('ccc d LLL');
  const verb = field === 'start' ? 'starts' : 'ends';
  if (a.kind === 'skipped')
    return (
      `:information_source: ${a.requested} does not exist on ${day} in ${zone} (the clocks jump from ` +
      `${a.jumpFrom} to ${a.jumpTo}), so the override ${verb} at ${when(at, opts)}.`
    );
  return (
    `:information_source: ${a.requested} happens twice on ${day} in ${zone} (the clocks go back); the override ` +
    `${verb} at the first, ${when(at, opts)}, not ${when(a.other, opts)}.`
  );
}

/** What `/oncall override` created, told to the person who made it, in their zone. */
export function overrideCreated(view: OverrideCreatedView, opts: BlockOptions): MessagePayload {
  const name = inline(view.scheduleName, NAME_MAX);
  const whom = view.replaces ? `${mention(view.replaces)}’s shifts` : 'the whole schedule';
  const main =
    `:white_check_mark: Override added to *${name}*: ${mention(view.person)} covers ${whom}, ` +
    `${range(view, opts)}.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(main, LIMITS.sectionText) }];
  for (const { field, adjustment } of view.adjustments) {
    const at = field === 'start' ? view.start : view.end;
    blocks.push({
      type: 'section',
      text: mrkdwn(adjustmentText(field, adjustment, at, opts), LIMITS.sectionText),
    });
  }
  blocks.push(zoneNote(opts));
  const text = `Override added to ${view.scheduleName}: ${view.person.name}, ${range(view, opts)}`;
  return { text: text.slice(0, 3000), blocks };
}
