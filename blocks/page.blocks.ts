/** The page: a DM to the person paged, and an escalation's posts in channels. Pure: view models in, blocks out. */
import type { ActionsBlockElement, KnownBlock } from '@slack/types';
import { inline, mrkdwn, plain, severityOf } from './format.js';
import { INCIDENT_ACTIONS, PAGE_ACTIONS } from './ids.js';
import { LIMITS } from './limits.js';
import type { BlockOptions, MessagePayload } from './types.js';

export interface PageMessageView {
  incidentId: string;
  ref: string;
  title: string;
  severity: number;
  service: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  drill: boolean;
  alertSummary: string | null;
  /** "You are on call for Payments" */
  reason: string;
  generation: number;
  loop: number;
  step: number;
  /** The link to the incident's card, when it has one. */
  cardUrl: string | null;
}

/** The value of the Escalate button: where the escalation stood when the page was sent. */
export const pageEscalateValue = (
  v: Pick<PageMessageView, 'generation' | 'loop' | 'step' | 'incidentId'>,
): string => `${v.generation}:${v.loop}:${v.step}:${v.incidentId}`;

const drill = (v: { drill: boolean }) => (v.drill ? '[DRILL] ' : '');

/** The DM paging someone; once acknowledged or resolved (updated in place), it says so and loses its buttons. */
export function pageDm(view: PageMessageView, _opts: BlockOptions): MessagePayload {
  const sev = severityOf(view.severity);
  const state =
    view.status === 'triggered' ? '' : view.status === 'acknowledged' ? ' — acknowledged' : ' — resolved';
  const headline = `${drill(view)}:rotating_light: *${view.ref}* ${sev.emoji} ${sev.label} ${inline(view.title, 300)}${state}`;
  const lines = [
    headline,
    `${inline(view.reason, 200)} · service *${inline(view.service, 100)}*`,
    ...(view.alertSummary ? [`Alert: ${inline(view.alertSummary, 500)}`] : []),
  ];
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(lines.join('\n'), LIMITS.sectionText) }];
  const elements: ActionsBlockElement[] = [];
  if (view.status === 'triggered')
    elements.push(
      {
        type: 'button',
        action_id: INCIDENT_ACTIONS.acknowledge,
        text: plain('Acknowledge', LIMITS.buttonText),
        style: 'primary',
        value: view.incidentId,
      },
      {
        type: 'button',
        action_id: PAGE_ACTIONS.escalate,
        text: plain('Escalate', LIMITS.buttonText),
        value: pageEscalateValue(view),
      },
    );
  if (view.cardUrl)
    elements.push({
      type: 'button',
      action_id: PAGE_ACTIONS.openCard,
      text: plain('Open card', LIMITS.buttonText),
      url: view.cardUrl,
    });
  if (elements.length) blocks.push({ type: 'actions', elements });
  const text = `${drill(view)}${view.ref} ${sev.label} ${view.title}${state}: ${view.reason}`;
  return { text: text.slice(0, LIMITS.messageText), blocks };
}

/** A slack_channel target's post (@here and Acknowledge) or a user group's mention. */
export function pageChannelPost(view: PageMessageView, mention: string, opts: BlockOptions): MessagePayload {
  const dm = pageDm({ ...view, reason: `${mention}: you are paged for this incident` }, opts);
  return { text: `${mention} ${dm.text}`.slice(0, LIMITS.messageText), blocks: dm.blocks };
}

/** Nobody acknowledged after every loop of the policy. */
export function exhaustedPost(
  view: Pick<PageMessageView, 'ref' | 'title' | 'drill' | 'cardUrl'>,
  loops: number,
): MessagePayload {
  const line = `${drill(view)}:warning: Nobody acknowledged *${view.ref}* after ${loops} ${loops === 1 ? 'loop' : 'loops'}: ${inline(view.title, 300)}`;
  return {
    text: `${drill(view)}Nobody acknowledged ${view.ref} after ${loops} ${loops === 1 ? 'loop' : 'loops'}`,
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          view.cardUrl ? `${line}\n<${view.cardUrl}|Open the incident>` : line,
          LIMITS.sectionText,
        ),
      },
    ],
  };
}
