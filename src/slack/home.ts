import type { HomeView as SlackHomeView } from '@slack/types';
import { homeView } from '../../blocks/home.blocks.js';
import { listFilterSchema } from '../domains/incidents/index.js';
import { systemActor } from '../shared/actor.js';
import { blockOptions, type SlackDeps } from './context.js';
import { toIncidentView } from './incident-view.mapper.js';

/** Someone's App Home as it is now: open incidents, the ones assigned to them, the Declare button. */
export async function renderHome(
  deps: SlackDeps,
  tenantId: string,
  slackUserId: string,
): Promise<SlackHomeView> {
  const actor = systemActor(tenantId);
  const [user, page] = await Promise.all([
    deps.services.users.bySlackId(tenantId, slackUserId),
    deps.services.incidents.list(actor, listFilterSchema.parse({ status: 'open', limit: '200' })),
  ]);
  const open = page.items.map(toIncidentView);
  const mine = user ? page.items.filter((i) => i.assignee?.id === user.id).map(toIncidentView) : [];
  return homeView(
    { user: { slackUserId, name: user?.name ?? slackUserId }, openIncidents: open, assignedToMe: mine },
    blockOptions(deps),
  );
}
