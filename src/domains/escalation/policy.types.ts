import { z } from 'zod';

/**
 * Escalation policies as the REST API, `opswatch apply` and the engine's frozen snapshot know them.
 * - A step waits `delayMinutes` for an acknowledgement before the next step fires (0.25 minutes at least, so
 *   drills and tests run in real time); its targets are paged when it fires.
 * - Targets: `user` (a user id), `schedule` (whoever is on call on it when the step fires), `manager_of` a
 *   schedule or user (`of`), `slack_channel` (a post with @here and an Acknowledge button), `slack_user_group`
 *   (a mention of a Slack user group id, e.g. S0123ABC).
 * - `repeat` (0–9): after the last step start again from the first, that many times; then the escalation is
 *   exhausted (the thread and the default channel say so) and `fallbackChannel`, when set, gets a final post.
 * - `ackTimeoutMinutes`: an incident still acknowledged and unresolved that long after its acknowledgement goes
 *   back to triggered and escalates again from the first step.
 * - `urgency.high`: the severities paged with people's high-urgency rules (default P1 and P2); the rest are low.
 */

export const MIN_STEP_DELAY_MINUTES = 0.25;
export const MAX_REPEAT = 9;
export const DEFAULT_HIGH_URGENCY: readonly number[] = [1, 2];

export const TARGET_TYPES = ['user', 'schedule', 'manager_of', 'slack_channel', 'slack_user_group'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

const id = (what: string) =>
  z
    .string({ error: `${what} is required.` })
    .trim()
    .min(1, `${what} must not be empty.`)
    .max(200, `${what} is too long (200 characters at most).`);

export const targetSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('user'), id: id('A user target’s id') }),
    z.object({ type: z.literal('schedule'), id: id('A schedule target’s id') }),
    z.object({
      type: z.literal('manager_of'),
      of: z.enum(['user', 'schedule'], { error: 'manager_of.of must be "user" or "schedule".' }),
      id: id('A manager_of target’s id'),
    }),
    z.object({ type: z.literal('slack_channel'), id: id('A slack_channel target’s channel') }),
    z.object({ type: z.literal('slack_user_group'), id: id('A slack_user_group target’s group id') }),
  ],
  { error: `A target's type must be one of ${TARGET_TYPES.join(', ')}.` },
);
export type Target = z.infer<typeof targetSchema>;

export const stepSchema = z.object({
  delayMinutes: z
    .number({ error: 'delayMinutes must be a number of minutes.' })
    .min(MIN_STEP_DELAY_MINUTES, `delayMinutes must be at least ${MIN_STEP_DELAY_MINUTES}.`)
    .max(1440, 'delayMinutes must be at most 1440 (a day).'),
  targets: z
    .array(targetSchema)
    .min(1, 'A step needs at least one target.')
    .max(20, 'A step has at most 20 targets.'),
});
export type Step = z.infer<typeof stepSchema>;

const severity = z.number().int().min(1).max(5);

export const policySpecSchema = z.object({
  steps: z
    .array(stepSchema)
    .min(1, 'A policy needs at least one step.')
    .max(20, 'A policy has at most 20 steps.'),
  repeat: z
    .number({ error: 'repeat must be a number from 0 to 9.' })
    .int('repeat must be a whole number.')
    .min(0, 'repeat must be at least 0.')
    .max(MAX_REPEAT, `repeat must be at most ${MAX_REPEAT}.`)
    .default(0),
  ackTimeoutMinutes: z
    .number({ error: 'ackTimeoutMinutes must be a number of minutes.' })
    .min(1, 'ackTimeoutMinutes must be at least 1.')
    .max(10080, 'ackTimeoutMinutes must be at most 10080 (a week).')
    .nullish(),
  urgency: z
    .object({
      high: z
        .array(severity)
        .max(5)
        .default([...DEFAULT_HIGH_URGENCY]),
    })
    .default({ high: [...DEFAULT_HIGH_URGENCY] }),
  fallbackChannel: z.string().trim().min(1).max(80).nullish(),
});
export type PolicySpec = z.infer<typeof policySpecSchema>;

export const policyInputSchema = policySpecSchema.extend({
  name: z.string({ error: 'name is required.' }).trim().min(1, 'name must not be empty.').max(200),
  description: z.string().trim().max(2000).nullish(),
});
export type PolicyInput = z.infer<typeof policyInputSchema>;

/** What an incident carries from the moment it triggers: the policy in force then, frozen. */
export interface PolicySnapshot {
  policyId: string | null;
  name: string;
  version: number;
  spec: PolicySpec;
  /**
   * A test page's one-off escalation, paging this user only: once its step has run (or someone acknowledged)
   * the engine resolves the incident instead of saying nobody acknowledged.
   */
  testOf?: string;
}

export const URGENCIES = ['high', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** P1–P2 are high urgency unless the policy says otherwise. */
export function urgencyOf(severity: number, spec: Pick<PolicySpec, 'urgency'>): Urgency {
  return spec.urgency.high.includes(severity) ? 'high' : 'low';
}

/** Notification methods: `slack_dm` now; `sms` and `voice` come with Twilio and plug into the same rules. */
export const NOTIFY_METHODS = ['slack_dm', 'sms', 'voice'] as const;
export type NotifyMethod = (typeof NOTIFY_METHODS)[number];

export const notificationRuleSchema = z.object({
  method: z.enum(NOTIFY_METHODS, { error: `method must be one of ${NOTIFY_METHODS.join(', ')}.` }),
  delayMinutes: z
    .number({ error: 'delayMinutes must be a number of minutes.' })
    .min(0, 'delayMinutes must not be negative.')
    .max(1440, 'delayMinutes must be at most 1440.'),
  contactMethodId: z.string().uuid().nullish(),
});
export type NotificationRule = z.infer<typeof notificationRuleSchema>;

export const notificationRulesSchema = z.object({
  high: z.array(notificationRuleSchema).max(10),
  low: z.array(notificationRuleSchema).max(10),
});
export type NotificationRules = z.infer<typeof notificationRulesSchema>;

/** Someone with no rules for an urgency gets these (and the timeline says so): a Slack DM at once. */
export const DEFAULT_RULES: Readonly<Record<Urgency, readonly NotificationRule[]>> = {
  high: [{ method: 'slack_dm', delayMinutes: 0 }],
  low: [{ method: 'slack_dm', delayMinutes: 0 }],
};
