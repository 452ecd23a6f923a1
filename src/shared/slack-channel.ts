/**
 * Slack channels as OpsWatch stores them: a conversation id (`C…` public, `G…` private, `D…` direct message:
 * an upper-case letter and upper-case letters or digits) or a channel name (lower case, as Slack requires),
 * written with or without its `#`.
 */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const CHANNEL_NAME = /^#?[a-z0-9][a-z0-9_.-]*$/;

/** A Slack conversation id (`C0123ABCD`), as opposed to a channel name. */
export const isChannelId = (channel: string): boolean => CHANNEL_ID.test(channel);

/** A conversation id or a channel name (`payments`, `#payments`); a pattern, so JSON Schema can carry it. */
export const CHANNEL_REF = new RegExp(`${CHANNEL_NAME.source}|${CHANNEL_ID.source}`);

/** A conversation id or a channel name (`payments`, `#payments`). */
export const isChannelRef = (channel: string): boolean => CHANNEL_REF.test(channel);

/** A channel without its leading `#` and surrounding spaces: `#payments` → `payments`; an id as it is. */
export const withoutHash = (channel: string): string => channel.trim().replace(/^#/, '');

/** How a log line or a timeline entry names a channel: the id as it is, a name with its `#`. */
export const channelLabel = (channel: string): string =>
  isChannelId(channel) ? channel : `#${withoutHash(channel)}`;
