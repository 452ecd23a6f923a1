/** The outbox: every side effect on Slack is a row, written in the transaction of the change that caused it. */

export const OUTBOX_KINDS = [
  'post_card',
  'update_card',
  'thread_reply',
  'dm',
  'publish_home',
  'handoff_post',
  'handoff_dm',
  'usergroup_update',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxRow {
  id: string;
  tenantId: string;
  incidentId: string | null;
  kind: OutboxKind;
  /** A channel id or name for cards, a Slack user id for DMs and Home views. */
  channel: string;
  payload: Record<string, unknown>;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
  /**
   * An earlier attempt may have reached Slack without its outcome being recorded (the sender died, or the
   * answer was lost): a message post must first look for what that attempt posted.
   */
  maybeSent: boolean;
}

/** The message an incident's card became, so updates and thread replies find it. */
export interface CardMessage {
  channelId: string;
  ts: string;
}

/** What a thread reply carries: one timeline item. */
export interface ReplyPayload {
  kind: string;
  message: string;
  actorName: string;
  actorSlackId: string | null;
  at: string;
}

/**
 * The message a card post became. `recovered`: an earlier attempt had posted it (its answer was lost) and it was
 * found in the channel instead of posted again; it shows the incident as it was at that attempt.
 */
export interface PostedCard extends CardMessage {
  recovered: boolean;
}

/** How a send failed; the outbox decides what happens to the row from this. */
export class DeliveryError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'permanent' | 'transient' | 'gone',
    /** A short machine reason: `not_in_channel`, `ratelimited`, `http_503`, `unreachable`… */
    readonly reason: string,
    readonly retryAfterSeconds?: number,
    /** Slack answered and refused: nothing was posted (false when the request may have reached Slack). */
    readonly notSent = false,
  ) {
    super(`${kind}: ${reason}`);
    this.name = 'DeliveryError';
  }
}

/**
 * The transport: renders a row from the current state and sends it. Throws DeliveryError. For a row that may
 * have been sent already (`maybeSent`), a post first looks for the message that attempt left and returns it
 * instead of posting again.
 */
export interface OutboxSender {
  /** `card` is the incident's message in this channel, when one was posted. Returns the card a post became. */
  send(row: OutboxRow, card: CardMessage | null): Promise<PostedCard | null>;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  deferred: number;
  skipped: number;
}
