import type { WebClient } from '@slack/web-api';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { overrideModal } from '../../../../blocks/override-modal.blocks.js';
import type { Actor } from '../../../shared/actor.js';
import { authorize } from '../../../shared/authz.js';
import { AppError } from '../../../shared/errors.js';
import { zoneOrUtc } from '../../../shared/time-zone.js';
import type { SlackDeps } from '../../context.js';
import { OverrideMetadata } from './override-metadata.js';
import { overrideDefaults } from './override-time.calc.js';

/**
 * Opens the override modal: the tenant's schedules (one preselected when `schedule` names it by id or name),
 * the caller covering by default, from the next full hour for 8 hours in the caller's zone.
 */
export async function openOverrideModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  caller: { actor: Actor; slackUserId: string },
  opts: { channel?: string | undefined; schedule?: string | undefined },
): Promise<void> {
  const now = deps.clock.now();
  const { actor, slackUserId } = caller;
  // Refused now rather than after the form is filled in (the service checks again on submit).
  authorize(actor, 'override:write', { owners: [actor.id] });
  const [schedules, user] = await Promise.all([
    deps.services.oncall.overview(actor, now, { gaps: false }),
    deps.services.users.bySlackId(actor.tenantId, slackUserId),
  ]);
  if (schedules.length === 0)
    throw new AppError(
      'not_found',
      'There are no on-call schedules yet, so nothing to override. Add one with `POST /api/v1/schedules` or `opswatch apply`.',
    );
  const zone = zoneOrUtc(user?.timeZone);
  const ref = opts.schedule?.trim().toLowerCase();
  const preselected = ref
    ? schedules.find((s) => s.scheduleId === opts.schedule || s.name.toLowerCase() === ref)
    : undefined;
  const metadata = encodeMetadata(OverrideMetadata, {
    zone,
    ...(opts.channel ? { channel: opts.channel } : {}),
  });
  await client.views.open({
    trigger_id: triggerId,
    view: overrideModal({
      schedules: schedules.map((s) => ({ id: s.scheduleId, name: s.name })),
      timeZone: zone,
      initial: {
        ...(preselected ? { scheduleId: preselected.scheduleId } : {}),
        userSlackId: slackUserId,
        ...overrideDefaults(now, zone),
      },
      privateMetadata: metadata,
    }),
  });
}
