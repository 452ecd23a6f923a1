import type { SlaView } from '../../blocks/sla.blocks.js';
import { metricLabel, type SlaDto, windowLabel } from '../domains/sla/index.js';

/** An SLA as `/sla` and App Home show it. */
export function toSlaView(s: SlaDto): SlaView {
  return {
    service: s.service,
    objective: metricLabel(s.metric, s.thresholdMs),
    target: s.target,
    window: windowLabel(s.window),
    attainment: s.status?.attainment ?? null,
    budgetLeft: s.status?.budgetLeft ?? null,
    burn: s.status?.burn ?? null,
    trend: s.status?.trend ?? 'flat',
    version: s.version,
  };
}
