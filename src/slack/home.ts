import type { HomeView as SlackHomeView } from '@slack/types';
import type { HowPagedView } from '../../blocks/contact.blocks.js';
import { homeView } from '../../blocks/home.blocks.js';
import type { IncidentView, OnCallView, PageReason, PagingMeView } from '../../blocks/types.js';
import { listFilterSchema } from '../domains/incidents/index.js';
import type { UserDto } from '../domains/tenants/index.js';
import { type Actor, rendererActor, USER_ROLES, type UserRole } from '../shared/actor.js';
import { parseInput } from '../shared/errors.js';
import { zoneOrUtc } from '../shared/time-zone.js';
import { toHowPagedView } from './contact-view.mapper.js';
import { blockOptions, type SlackDeps } from './context.js';
import { toIncidentView } from './incident-view.mapper.js';
import { toHomeOnCallView, toMyOnCallView } from './oncall-view.mapper.js';
import { toSlaView } from './sla-view.mapper.js';

/** "Incidents paging you": the escalation domain's pages of this person, on the open incidents shown. */
async function pagingMeViews(
  deps: SlackDeps,
  actor: Actor,
  userId: string,
  open: readonly IncidentView[],
): Promise<PagingMeView[]> {
  const byId = new Map(open.map((v) => [v.id, v]));
  return (await deps.services.pagingView.pagingUser(actor, userId)).flatMap((p) => {
    const incident = byId.get(p.incidentId);
    if (!incident) return [];
    const label = p.target.label ?? '';
    const reason: PageReason =
      p.target.type === 'schedule'
        ? { kind: 'schedule', scheduleName: label }
        : p.target.type === 'manager_of'
          ? { kind: 'manager', of: label.replace(/^the manager of /, '') }
          : { kind: 'user' };
    return [{ incident, reason, token: p.token, pagedAt: p.pagedAt }];
  });
}

const NOT_ON_CALL: OnCallView = { onCallNow: [], nextShift: null, schedules: [] };

/** "How you get paged": read as the person themselves (their phones are theirs to see, not the renderer's). */
async function howPagedView(deps: SlackDeps, tenantId: string, user: UserDto): Promise<HowPagedView> {
  const roles = (USER_ROLES as readonly string[]).includes(user.role) ? [user.role as UserRole] : [];
  const self: Actor = { tenantId, kind: 'user', id: user.id, name: user.name, roles, source: 'slack' };
  const [methods, rules] = await Promise.all([
    deps.services.contactMethods.list(self, user.id),
    deps.services.notificationRules.get(self, user.id),
  ]);
  return toHowPagedView(methods, rules);
}

/**
 * Someone's App Home as it is now: open incidents, the ones assigned to them, the Declare button, and their
 * on-call picture (am I on call and until when, my next shift, who is on call for my schedules and their gaps)
 * with times in their own zone, and how they get paged. Someone OpsWatch does not know yet gets the on-call section saying they are on
 * no schedule.
 */
export async function renderHome(
  deps: SlackDeps,
  tenantId: string,
  slackUserId: string,
): Promise<SlackHomeView> {
  // Rendered as OpsWatch's renderer: it reads the tenant's incidents and on-call, and may do nothing else.
  const actor = rendererActor(tenantId);
  const [user, page] = await Promise.all([
    deps.services.users.bySlackId(tenantId, slackUserId),
    deps.services.incidents.list(
      actor,
      parseInput(listFilterSchema, { status: 'open', limit: '200' }, 'The list filter is not valid.'),
    ),
  ]);
  const onCall = user
    ? toHomeOnCallView(toMyOnCallView(await deps.services.oncall.forUser(actor, user.id, deps.clock.now())))
    : NOT_ON_CALL;
  const open = page.items.map(toIncidentView);
  const pagingMe = user ? await pagingMeViews(deps, actor, user.id, open) : undefined;
  const howPaged = user ? await howPagedView(deps, tenantId, user) : undefined;
  const mine = user ? page.items.filter((i) => i.assignee?.id === user.id).map(toIncidentView) : [];
  const slas = (await deps.services.sla.list(actor)).map(toSlaView);
  return homeView(
    {
      user: { slackUserId, name: user?.name ?? slackUserId },
      openIncidents: open,
      assignedToMe: mine,
      onCall,
      ...(pagingMe ? { pagingMe } : {}),
      ...(howPaged ? { howPaged } : {}),
      slas,
    },
    blockOptions(deps, zoneOrUtc(user?.timeZone)),
  );
}
