import type { WebClient } from '@slack/web-api';
import { isChannelId, withoutHash } from '../../shared/slack-channel.js';

/** The metadata event every OpsWatch post carries, so a post whose outcome was lost can be found again. */
export const OUTBOX_EVENT = 'opswatch_outbox';
const MAX_PAGES = 5;
const SKEW_S = 600;

export function outboxMetadata(outboxIds: readonly string[]) {
  return { event_type: OUTBOX_EVENT, event_payload: { outbox_ids: outboxIds.join(',') } };
}

interface Found {
  channelId: string;
  ts: string;
  /** Every outbox row the message carries (a merged thread reply carries several). */
  outboxIds: string[];
}

type Page = {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }[];
  response_metadata?: { next_cursor?: string };
};

function carried(msg: NonNullable<Page['messages']>[number]): string[] {
  if (msg.metadata?.event_type !== OUTBOX_EVENT) return [];
  return String(msg.metadata.event_payload?.outbox_ids ?? '')
    .split(',')
    .filter(Boolean);
}

/**
 * Looks for the message an earlier attempt of outbox row `outboxId` posted to `channel` (in the thread `threadTs`)
 * since `since`. `knownId` turns a channel name into its id (from an earlier post); failing that, the workspace's
 * channels are listed. Returns null when it finds nothing, so the caller posts.
 */
export async function findPosted(
  client: WebClient,
  opts: {
    channel: string;
    outboxId: string;
    since: Date;
    threadTs?: string;
    knownId: (channel: string) => Promise<string | null>;
  },
): Promise<Found | null> {
  const channelId = isChannelId(opts.channel)
    ? opts.channel
    : ((await opts.knownId(opts.channel)) ?? (await channelIdByName(client, opts.channel)));
  if (!channelId) return null;
  // A margin for clock skew between this host and Slack.
  const oldest = String(Math.floor(opts.since.getTime() / 1000) - SKEW_S);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const common = {
      channel: channelId,
      oldest,
      limit: 200,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    };
    const res: Page = opts.threadTs
      ? await client.conversations.replies({ ...common, ts: opts.threadTs })
      : await client.conversations.history(common);
    const hit = res.messages?.find((m) => carried(m).includes(opts.outboxId));
    if (hit?.ts) return { channelId, ts: hit.ts, outboxIds: carried(hit) };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}

async function channelIdByName(client: WebClient, name: string): Promise<string | null> {
  const wanted = withoutHash(name);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES * 4; page++) {
    const res = await client.conversations.list({
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const hit = res.channels?.find((c) => c.name === wanted);
    if (hit?.id) return hit.id;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}
