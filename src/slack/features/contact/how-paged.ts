import type { WebClient } from '@slack/web-api';
import { contactModal, type HowPagedView } from '../../../../blocks/contact.blocks.js';
import { VIEWS } from '../../../../blocks/ids.js';
import { decodeMetadata, encodeMetadata } from '../../../../blocks/metadata.js';
import type { Actor } from '../../../shared/actor.js';
import { AppError } from '../../../shared/errors.js';
import { toHowPagedView } from '../../contact-view.mapper.js';
import type { SlackDeps } from '../../context.js';
import { renderHome } from '../../home.js';
import { ContactOrigin } from './contact-metadata.js';

/** The person acting, who must be an OpsWatch user (their own phones and rules). */
export function userIdOf(actor: Actor): string {
  if (!actor.id || actor.kind !== 'user')
    throw new AppError('unauthorized', 'I could not tell who you are in OpsWatch.');
  return actor.id;
}

/** The actor's phones and rules. */
export async function loadHowPaged(deps: SlackDeps, actor: Actor): Promise<HowPagedView> {
  const userId = userIdOf(actor);
  const [methods, rules] = await Promise.all([
    deps.services.contactMethods.list(actor, userId),
    deps.services.notificationRules.get(actor, userId),
  ]);
  return toHowPagedView(methods, rules);
}

/** The "How you get paged" modal as it is now. */
export async function contactModalNow(
  deps: SlackDeps,
  actor: Actor,
  channel: string | undefined,
  notice?: string | null,
) {
  const privateMetadata = encodeMetadata(ContactOrigin, { from: 'modal', ...(channel ? { channel } : {}) });
  return contactModal(await loadHowPaged(deps, actor), { privateMetadata, notice: notice ?? null });
}

/** `/oncall contact`: opens "How you get paged". */
export async function openContactModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  actor: Actor,
  channel: string | undefined,
): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: await contactModalNow(deps, actor, channel) });
}

/** The surface a button was clicked on, as Bolt hands it over. */
export interface ClickedView {
  id?: string;
  type?: string;
  callback_id?: string;
  private_metadata?: string;
}

/**
 * Where a button was clicked: the contact modal (it becomes the root to refresh), a form opened from it or from
 * App Home (their origin travels in their metadata), or App Home itself.
 */
export function originOf(view: ClickedView | undefined): ContactOrigin {
  if (!view || view.type === 'home') return { from: 'home' };
  if (view.callback_id === VIEWS.contact) {
    const { channel } = decodeMetadata(ContactOrigin, view.private_metadata);
    return { from: 'modal', ...(view.id ? { root: view.id } : {}), ...(channel ? { channel } : {}) };
  }
  const { from, root, channel } = decodeMetadata(ContactOrigin, view.private_metadata);
  return { from, ...(root ? { root } : {}), ...(channel ? { channel } : {}) };
}

/** Opens a form: stacked on the modal it was asked from, else a modal of its own (from App Home). */
export async function openForm(
  client: WebClient,
  triggerId: string,
  clicked: ClickedView | undefined,
  view: Parameters<WebClient['views']['open']>[0]['view'],
): Promise<void> {
  if (clicked?.type === 'modal') await client.views.push({ trigger_id: triggerId, view });
  else await client.views.open({ trigger_id: triggerId, view });
}

/** After a change: the contact modal it came from shows it (with `notice`), or App Home is published again. */
export async function refreshOrigin(
  deps: SlackDeps,
  client: WebClient,
  actor: Actor,
  slackUserId: string,
  origin: ContactOrigin,
  notice?: string | null,
): Promise<void> {
  if (origin.from === 'modal' && origin.root) {
    await client.views.update({
      view_id: origin.root,
      view: await contactModalNow(deps, actor, origin.channel, notice),
    });
    return;
  }
  if (origin.from === 'home')
    await client.views.publish({
      user_id: slackUserId,
      view: await renderHome(deps, actor.tenantId, slackUserId),
    });
}
