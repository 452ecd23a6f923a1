import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { postmortemModal } from '../../../../blocks/postmortem.blocks.js';
import type { PostmortemDto } from '../../../domains/postmortems/index.js';
import type { Actor } from '../../../shared/actor.js';
import { isAppError } from '../../../shared/errors.js';
import type { SlackDeps } from '../../context.js';
import { toPostmortemView } from '../../postmortem-view.mapper.js';

/** The postmortem modal as `actor` sees it (Publish only for those who may publish it). */
export function modalFor(deps: SlackDeps, actor: Actor, p: PostmortemDto): ModalView {
  return postmortemModal(
    toPostmortemView(p, deps.services.postmortems.mayPublish(actor, p.facts.owner?.id ?? null)),
  );
}

/** The incident's postmortem, drafted first when it has none (and the actor may draft one). */
export async function postmortemOf(deps: SlackDeps, actor: Actor, ref: string): Promise<PostmortemDto> {
  const { postmortems } = deps.services;
  try {
    return await postmortems.get(actor, ref);
  } catch (err) {
    if (!isAppError(err) || err.code !== 'not_found') throw err;
    return (await postmortems.create(actor, ref)).postmortem;
  }
}

/** Opens the incident's postmortem (drafting it first when needed) in a modal. */
export async function openPostmortem(
  deps: SlackDeps,
  client: WebClient,
  actor: Actor,
  ref: string,
  triggerId: string,
): Promise<void> {
  const p = await postmortemOf(deps, actor, ref);
  await client.views.open({ trigger_id: triggerId, view: modalFor(deps, actor, p) });
}

/** Brings an open postmortem modal (`viewId`) up to date after a change. */
export async function refreshModal(
  deps: SlackDeps,
  client: WebClient,
  actor: Actor,
  viewId: string | undefined,
  ref: string,
): Promise<void> {
  if (!viewId) return;
  const p = await deps.services.postmortems.get(actor, ref);
  await client.views.update({ view_id: viewId, view: modalFor(deps, actor, p) });
}
