import type { OpenOutcome } from '../../../domains/notify/index.js';
import type { Actor } from '../../../shared/actor.js';
import type { SlackDeps } from '../../context.js';

/** What asking for an incident's channel says to the person who asked. */
export function channelAnswer(out: OpenOutcome): string {
  const name = out.channel?.channelId ? `<#${out.channel.channelId}>` : null;
  if (out.state === 'open') return `:speech_balloon: ${out.ref} has its channel already: ${name}.`;
  if (out.state === 'opening') return `:hourglass_flowing_sand: ${out.ref}'s channel is being opened.`;
  return `:speech_balloon: Opening a channel for ${out.ref}: you, the assignee and whoever was paged are invited.`;
}

/** Opens the incident's channel as `actor` (the Slack user who asked is invited). */
export async function openChannel(deps: SlackDeps, actor: Actor, ref: string, slackUserId: string | null) {
  return channelAnswer(await deps.services.channels.open(actor, ref, slackUserId));
}

/** `/incident severity INC-42 P1` and `/incident rename INC-42 …`: the answer to the person. */
export async function editIncident(
  deps: SlackDeps,
  actor: Actor,
  ref: string,
  change: { severity?: number; title?: string },
): Promise<string> {
  const done = await deps.services.incidents.edit(actor, ref, change);
  return change.severity !== undefined
    ? `:chart_with_upwards_trend: ${done.ref} is now ${done.severityLabel}.`
    : `:pencil2: ${done.ref} is now titled "${done.title}".`;
}
