import type { WebClient } from '@slack/web-api';
import type { IncidentDto } from '../../../domains/incidents/index.js';
import type { Actor } from '../../../shared/actor.js';
import { isAppError } from '../../../shared/errors.js';
import type { SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';

const DONE_KIND: Record<string, string> = { acknowledged: 'acknowledged', resolved: 'resolved' };

/**
 * Runs an incident action for a click or a command. When someone else got there first (a conflict), the person
 * is told who did it ("INC-4 is already acknowledged by Alice") instead of seeing an error.
 */
export async function incidentAction(
  deps: SlackDeps,
  client: WebClient,
  body: Record<string, unknown>,
  actor: Actor,
  ref: string,
  run: () => Promise<IncidentDto>,
): Promise<IncidentDto | null> {
  try {
    return await run();
  } catch (err) {
    if (!isAppError(err) || err.code !== 'conflict') throw err;
    const d = await deps.services.incidents.get(actor, ref);
    const kind = DONE_KIND[d.status];
    const by = kind ? [...d.timeline].reverse().find((t) => t.kind === kind)?.actor.name : undefined;
    const who = by ? ` by ${by === actor.name ? 'you' : by}` : '';
    await tellUser(client, body, { text: `:information_source: ${d.ref} is already ${d.status}${who}.` });
    return null;
  }
}
