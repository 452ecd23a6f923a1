import { escapeMrkdwn, inline, mrkdwn } from './format.js';
import { LIMITS } from './limits.js';
import type { MessagePayload } from './types.js';

/** A metric's cardinality notice: past the warning threshold, or past the hard limit (new tag sets refused). */
export interface CardinalityView {
  kind: 'warning' | 'limit';
  metric: string;
  series: number;
  warnAt: number;
  limit: number;
}

const n = (x: number) => x.toLocaleString('en-US');

/** The admins' post when a metric's unique tag combinations pass the warning threshold or the hard limit. */
export function cardinalityPost(v: CardinalityView): MessagePayload {
  const metric = `\`${escapeMrkdwn(inline(v.metric, 200))}\``;
  const line =
    v.kind === 'warning'
      ? `:warning: Metric ${metric} has more than ${n(v.warnAt)} unique tag combinations (${n(v.series)} so far). Past ${n(v.limit)}, OpsWatch stops storing new combinations of it (existing ones keep flowing). A tag with unbounded values (user ids, request ids, URLs with ids) is the usual cause.`
      : `:no_entry: Metric ${metric} reached the limit of ${n(v.limit)} unique tag combinations: data points with new combinations are dropped (counted in \`opswatch_telemetry_dropped_points_total{reason="cardinality_limit"}\`); existing combinations keep flowing.`;
  const text =
    v.kind === 'warning'
      ? `Metric ${v.metric} has more than ${n(v.warnAt)} tag combinations`
      : `Metric ${v.metric} reached the tag combination limit`;
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }],
  };
}
