/** The weekly SLA report posted to a tenant's report channel: each SLA's week, window, budget, trend, breaches. */
import type { KnownBlock } from '@slack/types';
import { inline, mrkdwn, plain } from './format.js';
import { LIMITS } from './limits.js';
import { packLines } from './oncall-lines.js';
import type { MessagePayload } from './types.js';

/** One SLA's line (a plain view model). */
export interface SlaReportLineView {
  service: string;
  /** `uptime`, `success rate`, `p99 ≤ 300 ms` */
  objective: string;
  target: number;
  window: '30d' | 'quarterly';
  /** Attainment over the week, and over the window up to the week's end (null: no snapshot). */
  week: number | null;
  windowAttainment: number | null;
  budgetLeft: number | null;
  /** The week against the week before. */
  trend: 'up' | 'down' | 'flat';
  breaches: number;
}

export interface SlaReportView {
  /** `2026-W48` */
  week: string;
  /** Its Monday and Sunday (UTC dates). */
  from: string;
  to: string;
  /** Least budget left first. */
  lines: readonly SlaReportLineView[];
  /** SLAs not in `lines`. */
  more: number;
}

const TREND: Record<SlaReportLineView['trend'], string> = { up: '↗', down: '↘', flat: '→' };
const pct = (n: number) => `${Number(n.toFixed(3))}%`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const date = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
};

function budgetEmoji(left: number | null): string {
  if (left === null) return ':white_circle:';
  if (left > 50) return ':large_green_circle:';
  if (left > 0) return ':large_orange_circle:';
  return ':red_circle:';
}

/** One SLA's entry: service and objective; the week (with its trend), the window, budget left, breaches. */
export function slaReportEntry(s: SlaReportLineView): string {
  const window = s.window === '30d' ? '30 d' : 'quarter';
  const head = `${budgetEmoji(s.budgetLeft)} *${inline(s.service, 100)}* · ${s.target}% ${inline(s.objective, 60)} (${window})`;
  if (s.week === null && s.windowAttainment === null) return `${head}\nno snapshot yet`;
  const figures = [
    s.week === null ? 'no snapshot this week' : `${pct(s.week)} this week ${TREND[s.trend]}`,
    s.windowAttainment === null ? '' : `${pct(s.windowAttainment)} this ${window}`,
    s.budgetLeft === null ? '' : `budget ${Math.round(s.budgetLeft)}% left`,
    s.breaches === 0 ? 'no breaches' : `${s.breaches} breach${s.breaches === 1 ? '' : 'es'}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return `${head}\n${figures}`;
}

/** The report message; the charts (one per SLA, least budget first) are uploaded after it. */
export function slaWeeklyReport(v: SlaReportView): MessagePayload {
  const span = `${date(v.from)} – ${date(v.to)}`;
  const title = `Weekly SLA report · ${v.week}`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, LIMITS.headerText) }];
  const total = v.lines.length + v.more;
  const spent = v.lines.filter((l) => l.budgetLeft !== null && l.budgetLeft <= 0).length;
  const breaches = v.lines.reduce((n, l) => n + l.breaches, 0);
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `${span} (UTC) · ${total} SLA${total === 1 ? '' : 's'} · ${
          spent
            ? `:red_circle: ${spent} error budget${spent === 1 ? '' : 's'} spent`
            : 'every error budget has some left'
        } · ${breaches} breach${breaches === 1 ? '' : 'es'} · trend against the week before`,
        LIMITS.textObject,
      ),
    ],
  });
  if (total === 0)
    blocks.push({ type: 'section', text: mrkdwn('There are no SLAs any more.', LIMITS.sectionText) });
  const more = (n: number) => `… and ${n} more SLAs (\`/sla\` lists them all)`;
  const packed = packLines(
    v.lines.map(slaReportEntry),
    LIMITS.messageBlocks - blocks.length - (v.more ? 1 : 0),
    (n) => more(n + v.more),
    '\n\n',
  );
  blocks.push(...packed);
  // Every line shown, SLAs past the payload's lines still counted.
  if (v.more && packed.at(-1)?.type !== 'context')
    blocks.push({ type: 'context', elements: [mrkdwn(more(v.more), LIMITS.textObject)] });
  const text = `${title} (${span}): ${total} SLA${total === 1 ? '' : 's'}${spent ? `, ${spent} budget(s) spent` : ''}`;
  return { text: text.slice(0, LIMITS.messageText), blocks };
}
