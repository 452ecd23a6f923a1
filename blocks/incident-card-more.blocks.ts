/**
 * The card's "More" overflow menu: the actions a responder reaches for less often than Acknowledge and Resolve
 * (open an incident channel, follow, silence, merge, roles…). Each option carries `{ a, id }` (`CardMoreValue`,
 * decoded with `decodeMetadata`); `a` names the handler the Slack listener dispatches to.
 */
import type { Button, Overflow, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { plain } from './format.js';
import { INCIDENT_ACTIONS } from './ids.js';
import { LIMITS } from './limits.js';
import { encodeMetadata } from './metadata.js';
import type { IncidentView } from './types.js';

/** What an option of the menu carries. */
export const CardMoreValue = z.object({ a: z.string().min(1).max(24), id: z.string().min(1) });
export type CardMoreValue = z.infer<typeof CardMoreValue>;

export interface CardMoreOption {
  /** The handler's name (`CardMoreValue.a`). */
  a: string;
  label: string;
}

/** Slack's limit on an overflow menu's options. */
export const CARD_MORE_MAX = 5;

/**
 * The options that apply to the incident as it stands, most useful first. Features add their option here, each
 * under the condition that makes it useful (no "Open channel" once the incident has one).
 */
export function cardMoreOptions(view: IncidentView): CardMoreOption[] {
  if (view.status === 'resolved') return [];
  const options: CardMoreOption[] = [];
  if (!view.channel) options.push({ a: 'channel', label: 'Open channel' });
  // Silence: hold back the incident's alerts (and the next incident they would open) for a while: no pages.
  options.push(
    { a: 'silence', label: 'Silence 1h' },
    { a: 'follow', label: 'Follow / unfollow updates' },
    { a: 'role', label: 'Set a role…' },
    { a: 'merge', label: 'Merge into…' },
  );
  return options;
}

/**
 * The overflow menu for `options` (at most `CARD_MORE_MAX`), or null when there is nothing to offer. Slack's
 * overflow menu needs two options at least: a single one is a button (same action id and value).
 */
export function cardMoreMenu(incidentId: string, options: CardMoreOption[]): Overflow | Button | null {
  const items: PlainTextOption[] = [];
  for (const o of options.slice(0, CARD_MORE_MAX)) {
    try {
      const value = encodeMetadata(CardMoreValue, { a: o.a, id: incidentId }, LIMITS.optionValue);
      items.push({ text: plain(o.label, LIMITS.optionText), value });
    } catch {
      // an id too long for an option value: leave the option out
    }
  }
  const [only] = items;
  if (items.length === 1 && only?.value)
    return { type: 'button', action_id: INCIDENT_ACTIONS.more, text: only.text, value: only.value };
  return items.length ? { type: 'overflow', action_id: INCIDENT_ACTIONS.more, options: items } : null;
}
