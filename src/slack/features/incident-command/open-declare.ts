import type { WebClient } from '@slack/web-api';
import { declareModal } from '../../../../blocks/declare-modal.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { DeclareMetadata } from './declare-metadata.js';

/** Opens the declare modal (free-text service: OpsWatch has no service catalogue yet). */
export async function openDeclareModal(
  client: WebClient,
  triggerId: string,
  opts: { title?: string; channel?: string },
): Promise<void> {
  const privateMetadata = encodeMetadata(DeclareMetadata, opts.channel ? { channel: opts.channel } : {});
  await client.views.open({
    trigger_id: triggerId,
    view: declareModal({ services: [], initial: opts.title ? { title: opts.title } : {}, privateMetadata }),
  });
}
