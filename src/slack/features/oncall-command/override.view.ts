import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ONCALL_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { overrideCreated } from '../../../../blocks/override-modal.blocks.js';
import type { OverrideCreatedView } from '../../../../blocks/types.js';
import { AppError, type FieldProblem } from '../../../shared/errors.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { slackTeamOf, tellUserIn } from '../../surface.js';
import { OverrideMetadata } from './override-metadata.js';
import { combineDateTime, type ResolvedWallTime } from './override-time.calc.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = ViewSubmitAction['view']['state']['values'];
type Input = { blockId: string; actionId: string };

const stateOf = (values: Values, i: Input) => values[i.blockId]?.[i.actionId];

/** A datepicker + timepicker pair read in `zone`; a problem named `field` when either is missing or unreal. */
function wallTime(
  values: Values,
  date: Input,
  time: Input,
  zone: string,
  field: 'start' | 'end',
  problems: FieldProblem[],
): ResolvedWallTime | null {
  const d = stateOf(values, date)?.selected_date;
  const t = stateOf(values, time)?.selected_time;
  const resolved = d && t ? combineDateTime(d, t, zone) : null;
  if (!resolved) problems.push({ field, message: `Pick a ${field} date and time.` });
  return resolved;
}

/**
 * The override modal submitted: the Slack users become OpsWatch users (created from `users.info` on first
 * sight), the pickers are read in the caller's zone, and the override is added before the ack, so a refusal
 * shows on the modal's fields. Then the caller is told what was created, in their zone.
 */
export function overrideSubmitted(deps: SlackDeps, identify: IdentityResolver) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const meta = decodeMetadata(OverrideMetadata, view.private_metadata);
    const values = view.state.values;
    const schedule = stateOf(values, ONCALL_INPUTS.schedule)?.selected_option;
    const coverId = stateOf(values, ONCALL_INPUTS.user)?.selected_user;
    const replacesId = stateOf(values, ONCALL_INPUTS.replaces)?.selected_user;
    const problems: FieldProblem[] = [];
    if (!schedule?.value) problems.push({ field: 'scheduleId', message: 'Choose a schedule.' });
    if (!coverId) problems.push({ field: 'userId', message: 'Choose who covers.' });
    const { startDate, startTime, endDate, endTime } = ONCALL_INPUTS;
    const start = wallTime(values, startDate, startTime, meta.zone, 'start', problems);
    const end = wallTime(values, endDate, endTime, meta.zone, 'end', problems);
    if (problems.length || !schedule?.value || !coverId || !start || !end)
      throw AppError.validation('The override is not valid.', problems);

    const actor = await actorOf(context);
    const team = slackTeamOf(body as unknown as Record<string, unknown>) ?? context.teamId ?? '';
    const cover = await identify(client, team, coverId);
    const replaces = replacesId ? await identify(client, team, replacesId) : null;
    await deps.services.rosters.addOverride(actor, schedule.value, {
      userId: cover.id,
      start: start.at,
      end: end.at,
      ...(replaces?.id ? { replaces: replaces.id } : {}),
    });
    await ack();

    const created: OverrideCreatedView = {
      scheduleName: schedule.text.text,
      person: { name: cover.name, slackUserId: coverId },
      replaces: replaces && replacesId ? { name: replaces.name, slackUserId: replacesId } : null,
      start: start.at,
      end: end.at,
      adjustments: [
        ...(start.adjustment ? [{ field: 'start' as const, adjustment: start.adjustment }] : []),
        ...(end.adjustment ? [{ field: 'end' as const, adjustment: end.adjustment }] : []),
      ],
    };
    await tellUserIn(
      client,
      body.user.id,
      meta.channel,
      overrideCreated(created, blockOptions(deps, meta.zone)),
    );
  };
}
