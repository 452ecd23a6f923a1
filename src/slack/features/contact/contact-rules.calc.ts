/**
 * The rules modal's rows ↔ notification rules. Pure, so every way of filling the form in is tested without Slack.
 * A row with neither a method nor a delay is ignored; a delay left empty is 0 (at once); a delay without a method
 * is refused on that row. Rules are saved in order of delay (a chain), and the domain's refusals — which name
 * a rule by its place in the saved list — are put back on the row they came from.
 */
import type { RuleRowView } from '../../../../blocks/contact-forms.blocks.js';
import { MAX_RULE_ROWS, ruleOptionValue } from '../../../../blocks/contact-forms.blocks.js';
import { RULE_BLOCK_PREFIX, ruleInputIds } from '../../../../blocks/ids.js';
import type { FieldProblem } from '../../../shared/errors.js';

export type Urgency = 'high' | 'low';
export const URGENCIES: readonly Urgency[] = ['high', 'low'];

export interface FormRule {
  method: 'slack_dm' | 'sms' | 'voice';
  delayMinutes: number;
  contactMethodId?: string;
}

/** A view's state values: `values[blockId][actionId]`. */
export type StateValues = Record<
  string,
  Record<string, { selected_option?: { value?: string } | null; value?: string | null } | undefined>
>;

/** The rows a person's rules fill in (one empty row for an urgency without rules). */
export function rowsFromRules(
  rules: readonly { method: string; delayMinutes: number; contactMethodId?: string | null }[],
): RuleRowView[] {
  if (rules.length === 0) return [{ value: null, delayMinutes: null }];
  return rules
    .slice(0, MAX_RULE_ROWS)
    .map((r) => ({ value: ruleOptionValue(r), delayMinutes: r.delayMinutes }));
}

/** A select value back to a rule's method and contact method; null when it is not one. */
export function parseRuleOption(value: string): Pick<FormRule, 'method' | 'contactMethodId'> | null {
  if (value === 'slack_dm') return { method: 'slack_dm' };
  const m = /^(sms|voice):([0-9a-f-]{36})$/i.exec(value);
  if (!m) return null;
  return { method: m[1] as 'sms' | 'voice', contactMethodId: m[2] as string };
}

/** The rows as the form holds them now (for "Add a rule", which redraws the form with one more). */
export function rowsFromState(values: StateValues, urgency: Urgency, count: number): RuleRowView[] {
  const rows: RuleRowView[] = [];
  for (let i = 0; i < Math.min(count, MAX_RULE_ROWS); i++) {
    const ids = ruleInputIds(urgency, i);
    const value = values[ids.method.blockId]?.[ids.method.actionId]?.selected_option?.value ?? null;
    const raw = values[ids.delay.blockId]?.[ids.delay.actionId]?.value;
    const delay = raw === null || raw === undefined || raw.trim() === '' ? null : Number(raw);
    rows.push({ value, delayMinutes: delay !== null && Number.isFinite(delay) ? delay : null });
  }
  return rows;
}

export interface ReadRules {
  rules: Record<Urgency, FormRule[]>;
  /** For each urgency, the form row of each saved rule (by its place in `rules`). */
  rowOf: Record<Urgency, number[]>;
  problems: FieldProblem[];
}

/** The submitted form → each urgency's chain, ordered by delay; problems are named by block id. */
export function readRules(values: StateValues, rows: Record<Urgency, number>): ReadRules {
  const out: ReadRules = { rules: { high: [], low: [] }, rowOf: { high: [], low: [] }, problems: [] };
  for (const urgency of URGENCIES) {
    const found: { rule: FormRule; row: number }[] = [];
    rowsFromState(values, urgency, rows[urgency]).forEach((r, row) => {
      const ids = ruleInputIds(urgency, row);
      if (r.value === null) {
        if (r.delayMinutes !== null)
          out.problems.push({
            field: ids.method.blockId,
            message: 'Choose how to be told, or clear the minutes.',
          });
        return;
      }
      const option = parseRuleOption(r.value);
      if (!option) {
        out.problems.push({ field: ids.method.blockId, message: 'That choice is no longer offered.' });
        return;
      }
      const delayMinutes = r.delayMinutes ?? 0;
      if (!Number.isInteger(delayMinutes) || delayMinutes < 0 || delayMinutes > 1440) {
        out.problems.push({
          field: ids.delay.blockId,
          message: 'Minutes must be a whole number from 0 to 1440.',
        });
        return;
      }
      found.push({ rule: { ...option, delayMinutes }, row });
    });
    found.sort((a, b) => a.rule.delayMinutes - b.rule.delayMinutes || a.row - b.row);
    out.rules[urgency] = found.map((f) => f.rule);
    out.rowOf[urgency] = found.map((f) => f.row);
  }
  return out;
}

/**
 * A refusal of the rules service (`high.2.contactMethodId`, `low.0.delayMinutes`, `high`) put on the form's
 * block: the row's delay for a delay, else the row's method; an urgency-wide one on its first row.
 */
export function ruleProblemBlock(field: string, rowOf: Record<Urgency, number[]>): string | null {
  if (field.startsWith(RULE_BLOCK_PREFIX)) return field;
  const [urgency, index, what] = field.split('.');
  if (urgency !== 'high' && urgency !== 'low') return null;
  const row = index === undefined ? 0 : (rowOf[urgency][Number(index)] ?? 0);
  const ids = ruleInputIds(urgency, row);
  return what === 'delayMinutes' ? ids.delay.blockId : ids.method.blockId;
}
