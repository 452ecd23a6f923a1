/**
 * Signed Slack interaction requests for the benchmarks, prepared ahead of the measured phase: built and signed by
 * the test harness's `slackDriver` (the payloads the Slack scenario tests send), captured instead of sent, and
 * replayed by the load generators of `load.ts`.
 */
import {
  type BlockActionOptions,
  type SlackDriverOptions,
  slackDriver,
} from '../../test/harness/slack-signing.js';
import type { Shot } from './load.js';

export interface Click {
  actionId: string;
  value: string;
  opts?: BlockActionOptions;
}

/**
 * The requests `slackDriver(options).blockAction(...)` would POST for `clicks`, signed now (Bolt refuses
 * requests signed more than 5 minutes ago: send them within that). Each shot counts as one click.
 */
export async function signedClicks(options: SlackDriverOptions, clicks: readonly Click[]): Promise<Shot[]> {
  const shots: Shot[] = [];
  const realFetch = globalThis.fetch;
  const capture = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    shots.push({ body: Buffer.from(String(init?.body ?? '')), alerts: 1, headers });
    return new Response(null, { status: 200 });
  };
  globalThis.fetch = capture as typeof fetch;
  try {
    const driver = slackDriver(options);
    for (const c of clicks) await driver.blockAction(c.actionId, c.value, c.opts);
  } finally {
    globalThis.fetch = realFetch;
  }
  return shots;
}

/** Bolt acknowledges a button click with an empty 200. */
export function emptyAckCheck(body: string): string | null {
  return body === '' ? null : `200 with a body (expected Bolt's empty ack): ${body.slice(0, 80)}`;
}
