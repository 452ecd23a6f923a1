/**
 * The outbox: every side effect outside OpsWatch (a Slack post, a DM, later an SMS or a call) is a row, written in
 * the transaction of the change that caused it, then delivered by the adapter of its destination.
 */
import type { Destination, PayloadInput } from './destinations.js';

export interface OutboxRow {
  id: string;
  tenantId: string;
  incidentId: string | null;
  destination: Destination;
  /** Whom it goes to: a Slack channel id or name for posts, updates and replies; a Slack user id for DMs and Home. */
  lane: string;
  /** As stored; adapters read it through the destination's schema (`PAYLOADS`). */
  payload: Record<string, unknown>;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
  /**
   * An earlier attempt may have been sent without its outcome being recorded (the sender died, or the answer
   * was lost): a destination that can tell looks for what that attempt left before sending again.
   */
  maybeSent: boolean;
}

/** A row to enqueue: a destination with its payload, typed together; `key` makes repeats harmless. */
export type NewOutboxRow = {
  [D in Destination]: {
    tenantId: string;
    incidentId: string | null;
    destination: D;
    lane: string;
    payload: PayloadInput<D>;
    key: string;
  };
}[Destination];

/** The message an incident's card became in a lane, so updates and thread replies find it. */
export interface CardMessage {
  channelId: string;
  ts: string;
}

/**
 * The message a card post became. `recovered`: an earlier attempt had posted it (its answer was lost) and it was
 * found instead of posted again; it shows the incident as it was at that attempt.
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
    /** The destination answered and refused: nothing was sent (false when the request may have got through). */
    readonly notSent = false,
  ) {
    super(`${kind}: ${reason}`);
    this.name = 'DeliveryError';
  }
}

/** One send: the rows it covers (oldest first; several when merged), all of one destination, lane and incident. */
export interface SendUnit {
  rows: readonly [OutboxRow, ...OutboxRow[]];
  /** The incident's card in this lane, for destinations that attach to it. */
  card: CardMessage | null;
}

/** What an earlier attempt left: the message, and every outbox row it carried (a merged reply carries several). */
export interface FoundSent {
  message: CardMessage;
  outboxIds: string[];
}

/**
 * A destination's adapter. `send` renders the rows from the current state and sends them, throwing
 * DeliveryError; a card post returns the card it became. `findSent` looks for what an earlier attempt of a
 * "maybe sent" row left (destinations whose spec says `lookUpMaybeSent`); it throws DeliveryError when it cannot
 * tell now (rate limited, no answer), and answers null when the row is to be sent.
 */
export interface DeliveryAdapter {
  send(unit: SendUnit): Promise<PostedCard | null>;
  findSent?(row: OutboxRow, card: CardMessage | null): Promise<FoundSent | null>;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  deferred: number;
  skipped: number;
  /** Rows given up undelivered because no adapter serves their destination (see OutboxService.expire). */
  expired: number;
}
