/** Rosters DTOs → the plain view models the on-call builders render. */
import type {
  LayerView,
  MyOnCallView,
  MyShiftView,
  OnCallScheduleView,
  OnCallView,
  PersonView,
  RangeView,
  ScheduleDetailView,
  ScheduleSummaryView,
  ShiftView,
} from '../../blocks/types.js';
import type {
  MyOnCallDto,
  MyShiftDto,
  PersonDto,
  RangeDto,
  ScheduleDto,
  ScheduleOnCallDto,
  ShiftDto,
} from '../domains/rosters/index.js';

const date = (iso: string): Date => new Date(iso);

export const toRangeView = (r: RangeDto): RangeView => ({ start: date(r.start), end: date(r.end) });

export function toPersonView(p: PersonDto): PersonView {
  return { name: p.name ?? `a removed user (${p.id})`, slackUserId: p.slackUserId };
}

export function toScheduleOnCallView(d: ScheduleOnCallDto): OnCallScheduleView {
  return {
    name: d.name,
    onCall: d.users.map(toPersonView),
    until: d.until ? date(d.until) : null,
    gaps: d.gaps.map(toRangeView),
  };
}

function toShiftView(s: ShiftDto): ShiftView {
  return {
    person: { name: s.userName ?? `a removed user (${s.userId})`, slackUserId: s.userSlackId },
    start: date(s.start),
    end: date(s.end),
    override: s.source.kind === 'override',
  };
}

export function toScheduleDetailView(d: ScheduleOnCallDto & { next: ShiftDto[] }): ScheduleDetailView {
  return {
    ...toScheduleOnCallView(d),
    id: d.scheduleId,
    timeZone: d.timeZone,
    slackChannel: d.slackChannel,
    next: d.next.map(toShiftView),
  };
}

function toMyShiftView(s: MyShiftDto): MyShiftView {
  return {
    scheduleName: s.scheduleName,
    start: date(s.start),
    end: date(s.end),
    override: s.source.kind === 'override',
  };
}

export function toMyOnCallView(d: MyOnCallDto): MyOnCallView {
  return {
    current: [...d.current].sort((a, b) => a.end.localeCompare(b.end)).map(toMyShiftView),
    next: d.next.map(toMyShiftView),
    schedules: d.schedules.map(toScheduleOnCallView),
  };
}

/** App Home's section: the same answer, with only the next shift. */
export function toHomeOnCallView(v: MyOnCallView): OnCallView {
  const next = v.next[0];
  return {
    onCallNow: v.current.map((s) => ({ scheduleName: s.scheduleName, until: s.end })),
    nextShift: next ? { scheduleName: next.scheduleName, start: next.start, end: next.end } : null,
    schedules: v.schedules,
  };
}

function toLayerView(l: ScheduleDto['layers'][number]): LayerView {
  return {
    name: l.name,
    participants: l.participants.length,
    turn: l.turn,
    handoffTime: l.handoffTime,
    handoffWeekday: l.handoffWeekday,
    restrictions: (l.restrictions ?? []).map((r) => ({
      ...(r.weekdays ? { weekdays: r.weekdays } : {}),
      ...(r.startTime ? { startTime: r.startTime } : {}),
      ...(r.endTime ? { endTime: r.endTime } : {}),
    })),
  };
}

export function toScheduleSummaryView(d: ScheduleDto): ScheduleSummaryView {
  return {
    name: d.name,
    timeZone: d.timeZone,
    slackChannel: d.slackChannel,
    slackUserGroup: d.slackUserGroup,
    layers: d.layers.map(toLayerView),
    gaps: d.gaps.map(toRangeView),
  };
}
