import type { WebClient } from '@slack/web-api';
import { DeliveryError } from '../../domains/notify/index.js';

export interface UploadFile {
  filename: string;
  title: string;
  png: Buffer;
}

/**
 * Files shared in one message the way Slack asks for files now: for each, an upload URL
 * (`files.getUploadURLExternal`, with its length) and its bytes POSTed there; then one
 * `files.completeUploadExternal` sharing them all in the channel (or a thread of it). Nothing shows until the
 * last call, so a retry after a failure half-way uploads afresh and shows one copy.
 */
export async function uploadFiles(
  client: WebClient,
  files: readonly UploadFile[],
  share: { channel: string; threadTs?: string; comment: string },
): Promise<void> {
  const uploaded: { id: string; title: string }[] = [];
  for (const f of files) {
    const url = await client.files.getUploadURLExternal({ filename: f.filename, length: f.png.length });
    if (!url.upload_url || !url.file_id) throw new DeliveryError('transient', 'no_upload_url');
    const res = await fetch(url.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(f.png),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new DeliveryError('transient', `upload_${res.status}`);
    uploaded.push({ id: url.file_id, title: f.title });
  }
  const [first, ...rest] = uploaded;
  if (!first) return;
  await client.files.completeUploadExternal({
    files: [first, ...rest],
    channel_id: share.channel,
    ...(share.threadTs ? { thread_ts: share.threadTs } : {}),
    initial_comment: share.comment,
  });
}
