/** The fake Slack's channels: what conversations.create, .invite, .rename, .archive, pins.add and bookmarks.add keep. */
import type { Answer, Args } from './fake-slack-methods.js';

export interface FakeChannel {
  id: string;
  name: string;
  creator: string;
  created: number;
  members: string[];
  pins: string[];
  bookmarks: { id: string; title: string; type: string; link: string }[];
  archived: boolean;
  /** Every name it had, oldest first. */
  names: string[];
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** Slack's rule for channel names: lowercase letters, digits, hyphens and underscores, 1 to 80 characters. */
const VALID_NAME = /^[a-z0-9_-]{1,80}$/;

export class FakeChannels {
  readonly channels = new Map<string, FakeChannel>();
  private seq = 0;

  constructor(private readonly botUserId: string) {}

  /** A channel someone else made (so `name_taken` can be tested). */
  add(name: string, creator = 'U0SOMEONE'): FakeChannel {
    this.seq++;
    const id = `C0CH${String(this.seq).padStart(6, '0')}`;
    const ch: FakeChannel = {
      id,
      name,
      creator,
      created: Math.floor(Date.now() / 1000),
      members: [creator],
      pins: [],
      bookmarks: [],
      archived: false,
      names: [name],
    };
    this.channels.set(id, ch);
    return ch;
  }

  byName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  private json(c: FakeChannel): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      is_channel: true,
      is_private: false,
      is_archived: c.archived,
      is_member: c.members.includes(this.botUserId),
      creator: c.creator,
      created: c.created,
      num_members: c.members.length,
    };
  }

  /** The answer to a channel method, or null when `method` is not one. */
  answer(method: string, args: Args): Answer | null {
    const ch = this.channels.get(str(args.channel) || str(args.channel_id));
    switch (method) {
      case 'conversations.create': {
        const name = str(args.name);
        if (!VALID_NAME.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.byName(name)) return { ok: false, error: 'name_taken' };
        return { ok: true, channel: this.json(this.add(name, this.botUserId)) };
      }
      case 'conversations.invite': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (ch.archived) return { ok: false, error: 'is_archived' };
        const users = str(args.users)
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean);
        if (users.includes(this.botUserId)) return { ok: false, error: 'cant_invite_self' };
        const fresh = users.filter((u) => !ch.members.includes(u));
        if (fresh.length === 0) return { ok: false, error: 'already_in_channel' };
        ch.members.push(...fresh);
        return { ok: true, channel: this.json(ch) };
      }
      case 'conversations.rename': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        const name = str(args.name);
        if (!VALID_NAME.test(name)) return { ok: false, error: 'invalid_name_specials' };
        const other = this.byName(name);
        if (other && other.id !== ch.id) return { ok: false, error: 'name_taken' };
        ch.name = name;
        ch.names.push(name);
        return { ok: true, channel: this.json(ch) };
      }
      case 'conversations.archive': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (ch.archived) return { ok: false, error: 'already_archived' };
        ch.archived = true;
        return { ok: true };
      }
      case 'pins.add': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        const ts = str(args.timestamp);
        if (!ts) return { ok: false, error: 'no_item_specified' };
        if (ch.pins.includes(ts)) return { ok: false, error: 'already_pinned' };
        ch.pins.push(ts);
        return { ok: true };
      }
      case 'bookmarks.add': {
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (str(args.type) === 'link' && !/^https?:\/\//.test(str(args.link)))
          return { ok: false, error: 'invalid_link' };
        this.seq++;
        const bookmark = {
          id: `Bk${String(this.seq).padStart(8, '0')}`,
          title: str(args.title),
          type: str(args.type),
          link: str(args.link),
        };
        ch.bookmarks.push(bookmark);
        return { ok: true, bookmark: { ...bookmark, channel_id: ch.id } };
      }
      default:
        return null;
    }
  }

  /** What conversations.list adds: the channels made here. */
  list(): Record<string, unknown>[] {
    return [...this.channels.values()].map((c) => this.json(c));
  }
}
