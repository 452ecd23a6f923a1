import type { LedgerLineView, LedgerView } from '../../blocks/ledger.blocks.js';
import type { LedgerPageDto, LedgerStepDto } from '../domains/escalation/index.js';

function targetOf(p: LedgerPageDto): { key: string; target: LedgerLineView['target'] } {
  if (p.targetType === 'slack_channel')
    return {
      key: `c:${p.targetId}`,
      target: { kind: 'channel', channel: p.targetId ?? p.targetLabel ?? '' },
    };
  if (p.targetType === 'slack_user_group')
    return { key: `g:${p.targetId}`, target: { kind: 'user_group', id: p.targetId ?? '' } };
  return {
    key: `u:${p.userId}`,
    target: {
      kind: 'person',
      person: { name: p.name ?? p.targetLabel ?? 'someone', slackUserId: p.slackUserId },
      timeZone: p.timeZone,
    },
  };
}

/** A step's ledger as the builder reads it: one line per person (or channel, or user group), in rule order. */
export function toLedgerView(dto: LedgerStepDto): LedgerView {
  const lines = new Map<string, LedgerLineView>();
  for (const p of dto.pages) {
    const { key, target } = targetOf(p);
    const line = lines.get(key) ?? { target, notifications: [] };
    line.notifications.push({
      method: p.method,
      status: p.state.status,
      at: p.state.at,
      dueAt: p.dueAt,
      errorCode: p.state.errorCode,
      reason: p.state.reason,
      answeredBy: p.state.answeredBy,
    });
    lines.set(key, line);
  }
  const act = (a: LedgerStepDto['acknowledged']) =>
    a && { by: { name: a.name, slackUserId: a.slackUserId }, via: a.via, at: a.at };
  return {
    step: dto.step,
    loop: dto.loop,
    lines: [...lines.values()],
    acknowledged: act(dto.acknowledged),
    resolved: act(dto.resolved),
  };
}
