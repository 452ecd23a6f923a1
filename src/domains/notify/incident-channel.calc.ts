/** Incident channels' names and timings: pure. */

/** Slack's limit on a channel name. */
export const CHANNEL_NAME_MAX = 80;
/** How many names are tried (`inc-42-db`, `inc-42-db-2`, … ) before giving up on `name_taken`. */
export const CHANNEL_NAME_TRIES = 5;

/**
 * A title as a channel-name slug: lowercase ASCII letters, digits and single hyphens (Slack allows letters,
 * numbers, hyphens and underscores; accents are dropped, anything else becomes a hyphen).
 */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The channel name of incident `number` titled `title`: `inc-42-<slug>`, at most 80 characters; `attempt` > 0
 * (the name was taken) adds `-2`, `-3`… within the limit.
 */
export function channelName(number: number, title: string, attempt = 0): string {
  const suffix = attempt > 0 ? `-${attempt + 1}` : '';
  const head = `inc-${number}`;
  const room = CHANNEL_NAME_MAX - head.length - suffix.length - 1;
  const slug = slugOf(title).slice(0, Math.max(0, room)).replace(/-+$/, '');
  return `${head}${slug ? `-${slug}` : ''}${suffix}`;
}

/** When a channel is archived: `hours` after the incident resolved. */
export const archiveAt = (resolvedAt: Date, hours: number): Date =>
  new Date(resolvedAt.getTime() + hours * 3_600_000);
