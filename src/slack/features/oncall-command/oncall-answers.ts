import {
  myOnCall,
  onCallOverview,
  scheduleNotFound,
  scheduleOnCall,
} from '../../../../blocks/oncall.blocks.js';
import { scheduleList } from '../../../../blocks/schedules.blocks.js';
import type { MessagePayload } from '../../../../blocks/types.js';
import { parseWhen } from '../../../domains/rosters/index.js';
import type { Actor } from '../../../shared/actor.js';
import { AppError, isAppError } from '../../../shared/errors.js';
import { blockOptions, type SlackDeps } from '../../context.js';
import {
  toMyOnCallView,
  toScheduleDetailView,
  toScheduleOnCallView,
  toScheduleSummaryView,
} from '../../oncall-view.mapper.js';
import { AT_USAGE, likelySchedule, type OnCallCommand } from './oncall-command.calc.js';

type Answerable = Extract<OnCallCommand, { sub: 'overview' | 'at' | 'me' | 'schedules' | 'schedule' }>;

/** The instant `/oncall at` asks about, read in the caller's zone; a refusal says how to write one. */
function readWhen(text: string, zone: string, now: Date): Date {
  try {
    return parseWhen(text, zone, now);
  } catch (err) {
    if (isAppError(err) && err.code === 'validation')
      throw AppError.validation(`${err.message}\n${AT_USAGE}`);
    throw err;
  }
}

/** One `/oncall` question answered for `actor`, with every time in `zone` (the caller's). */
export async function answerOnCall(
  deps: SlackDeps,
  actor: Actor,
  zone: string,
  cmd: Answerable,
): Promise<MessagePayload> {
  const { oncall, rosters } = deps.services;
  const opts = blockOptions(deps, zone);
  const now = opts.now;
  switch (cmd.sub) {
    case 'overview': {
      const all = await oncall.overview(actor, now, { gaps: true });
      return onCallOverview({ at: now, isNow: true, schedules: all.map(toScheduleOnCallView) }, opts);
    }
    case 'at': {
      const at = readWhen(cmd.when, zone, now);
      const all = await oncall.overview(actor, at, { gaps: false });
      return onCallOverview({ at, isNow: false, schedules: all.map(toScheduleOnCallView) }, opts);
    }
    case 'me': {
      if (!actor.id) throw new AppError('unauthorized', 'I could not tell who you are in OpsWatch.');
      return myOnCall(toMyOnCallView(await oncall.forUser(actor, actor.id, now)), opts);
    }
    case 'schedules':
      return scheduleList((await rosters.list(actor)).map(toScheduleSummaryView), opts);
    case 'schedule': {
      const found = await oncall.schedule(actor, cmd.name, now, 5).catch((err: unknown) => {
        if (isAppError(err) && err.code === 'not_found') return null;
        throw err;
      });
      if (found) return scheduleOnCall(toScheduleDetailView(found), opts);
      const names = (await oncall.overview(actor, now, { gaps: false })).map((s) => s.name);
      return scheduleNotFound({ asked: cmd.name, names, suggestion: likelySchedule(cmd.name, names) }, opts);
    }
  }
}
