import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';

type Body = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Body => (v && typeof v === 'object' ? (v as Body) : {});

export function slackUserOf(body: Body): string | undefined {
  return str(obj(body.user).id) ?? str(body.user_id) ?? str(obj(body.event).user);
}

export function slackTeamOf(body: Body): string | undefined {
  return (
    str(obj(body.team).id) ?? str(body.team_id) ?? str(obj(body.user).team_id) ?? str(obj(body.view).team_id)
  );
}

/**
 * Tells the person something only they see, on the surface they are on: the response_url of a command or
 * message button, an ephemeral message in the channel, or else a message from the app (Home, modals).
 */
export async function tellUser(
  client: WebClient,
  body: Body,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  const responseUrl = str(body.response_url);
  if (responseUrl) {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
    });
    if (res.ok) return;
  }
  const user = slackUserOf(body);
  if (!user) return;
  const channel = str(obj(body.channel).id) ?? str(obj(body.container).channel_id) ?? str(body.channel_id);
  if (channel) {
    await client.chat.postEphemeral({ channel, user, ...message });
    return;
  }
  await client.chat.postMessage({ channel: user, ...message });
}

/**
 * Tells a person something after a modal (which has no response_url): ephemerally in `channel` when one is
 * known (where the command was typed), else — or when Slack refuses, e.g. the app is not in that channel — in a
 * message from the app.
 */
export async function tellUserIn(
  client: WebClient,
  user: string,
  channel: string | undefined,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  if (channel) {
    const sent = await client.chat
      .postEphemeral({ channel, user, ...message })
      .then(() => true)
      .catch(() => false);
    if (sent) return;
  }
  await client.chat.postMessage({ channel: user, ...message });
}
