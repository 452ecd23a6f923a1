/** `/sla` and App Home's SLA section: each service's SLA, attainment this window, budget left, trend. */
import type { KnownBlock } from '@slack/types';
import { inline, mrkdwn, plain } from './format.js';
import { LIMITS } from './limits.js';
import { packLines } from './oncall-lines.js';
import type { MessagePayload } from './types.js';

/** One SLA as Slack shows it (a plain view model: no ids, no entities). */
export interface SlaView {
  service: string;
  /** `uptime`, `success rate`, `p99 ≤ 300 ms`. */
  objective: string;
  target: number;
  /** `30 d` or `quarter`. */
  window: string;
  /** Percent over the window so far; null before the first snapshot. */
  attainment: number | null;
  budgetLeft: number | null;
  /** The latest burn measured (1 = sustainable); null when unknown. */
  burn: number | null;
  trend: 'up' | 'down' | 'flat';
  version: number;
}

/** Entries rendered at most (the message holds far fewer; the rest are counted). */
const MAX_SLAS = 2000;
const TREND: Record<SlaView['trend'], string> = { up: '↗', down: '↘', flat: '→' };

const pct = (n: number) => `${Number(n.toFixed(3))}%`;

/** How healthy the budget is: green above half, orange above zero, red when spent. */
function budgetEmoji(left: number | null): string {
  if (left === null) return ':white_circle:';
  if (left > 50) return ':large_green_circle:';
  if (left > 0) return ':large_orange_circle:';
  return ':red_circle:';
}

/** One SLA's entry: service and objective; attainment, budget, burn and trend. */
export function slaEntry(s: SlaView): string {
  const head = `${budgetEmoji(s.budgetLeft)} *${inline(s.service, 100)}* · ${s.target}% ${inline(s.objective, 60)} (${s.window})`;
  const figures =
    s.attainment === null
      ? 'no snapshot yet (the first comes after its first whole day)'
      : [
          `${pct(s.attainment)} this window ${TREND[s.trend]}`,
          `budget ${Math.round(s.budgetLeft ?? 0)}% left`,
          s.burn === null ? '' : `burning ${s.burn.toFixed(1)}×`,
        ]
          .filter(Boolean)
          .join(' · ');
  return `${head}\n${figures}`;
}

/** `/sla` (every service) or `/sla <service>`. */
export function slaList(slas: readonly SlaView[], service: string | null = null): MessagePayload {
  const title = service ? `SLA of ${service}` : `SLAs (${slas.length})`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, LIMITS.headerText) }];
  if (slas.length === 0) {
    const none = service
      ? `${inline(service, 100)} has no SLA. Define one with \`POST /api/v1/slas\`.`
      : 'There are no SLAs yet. Define one with `POST /api/v1/slas` (service, metric, target, window).';
    blocks.push({ type: 'section', text: mrkdwn(none, LIMITS.sectionText) });
    return { text: service ? `${service} has no SLA.` : 'No SLAs yet.', blocks };
  }
  const spent = slas.filter((s) => s.budgetLeft !== null && s.budgetLeft <= 0).length;
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        spent
          ? `:red_circle: ${spent} error budget${spent > 1 ? 's' : ''} spent`
          : ':large_green_circle: Every error budget has some left',
        LIMITS.textObject,
      ),
    ],
  });
  // Least budget left first: a list cut short never hides the SLA in trouble.
  const ordered = [...slas].sort(
    (a, b) => (a.budgetLeft ?? 101) - (b.budgetLeft ?? 101) || a.service.localeCompare(b.service),
  );
  blocks.push(
    ...packLines(
      ordered.slice(0, MAX_SLAS).map(slaEntry),
      LIMITS.messageBlocks - blocks.length,
      (n) => `… and ${n + Math.max(0, ordered.length - MAX_SLAS)} more SLAs`,
      '\n\n',
    ),
  );
  return { text: spent ? `${title}: ${spent} budget(s) spent` : title, blocks };
}

/** App Home's SLA section: a header and the same entries, at most `max` blocks. */
export function slaHomeSection(slas: readonly SlaView[], max = 6): KnownBlock[] {
  if (slas.length === 0) return [];
  const list = slaList(slas);
  return [
    { type: 'header', text: plain('SLAs and error budgets', LIMITS.headerText) },
    ...list.blocks.slice(2, 2 + Math.max(1, max - 1)),
  ];
}
