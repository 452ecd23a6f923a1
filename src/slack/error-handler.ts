import type { App } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import { DECLARE_INPUTS, NOTE_INPUTS, VIEWS } from '../../blocks/ids.js';
import { type AppError, isAppError } from '../shared/errors.js';
import { errorRef } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { OpsWatchContext } from './context.js';
import { tellUser } from './surface.js';

/** Which modal block shows an error about a field. */
const FIELD_BLOCKS: Record<string, string> = {
  title: DECLARE_INPUTS.title.blockId,
  service: DECLARE_INPUTS.service.blockId,
  severity: DECLARE_INPUTS.severity.blockId,
  description: DECLARE_INPUTS.description.blockId,
  environment: DECLARE_INPUTS.service.blockId,
  text: NOTE_INPUTS.note.blockId,
  note: NOTE_INPUTS.note.blockId,
};
const FIRST_BLOCK: Record<string, string> = {
  [VIEWS.declare]: DECLARE_INPUTS.title.blockId,
  [VIEWS.note]: NOTE_INPUTS.note.blockId,
};

function modalErrors(err: AppError, callbackId: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of err.fields) {
    const block = FIELD_BLOCKS[f.field.split('.')[0] ?? ''];
    if (block && !errors[block]) errors[block] = f.message.slice(0, 150);
  }
  const first = FIRST_BLOCK[callbackId] ?? DECLARE_INPUTS.title.blockId;
  if (Object.keys(errors).length === 0) errors[first] = err.message.slice(0, 150);
  return errors;
}

/**
 * Bolt's global error handler: an AppError becomes field errors on a modal or an ephemeral message on the
 * surface the user is on; anything else a short message with a reference id, which is logged with the error.
 */
export function registerErrorHandler(app: App, log: Logger): void {
  app.error(async ({ error, context, body }: ExtendedErrorHandlerArgs) => {
    const original = (error as { original?: unknown }).original ?? error;
    const appErr = isAppError(original) ? original : isAppError(error) ? error : null;
    const ctx = context as OpsWatchContext;
    const b = body as Record<string, unknown>;
    let text: string;
    if (appErr) {
      text = `:warning: ${appErr.message}`;
      log.info({ code: appErr.code, type: b.type }, `Slack request refused: ${appErr.message}`);
    } else {
      const ref = errorRef();
      text = `:boom: Something went wrong on our side (reference \`${ref}\`). It has been logged; please try again.`;
      log.error({ err: original, ref, type: b.type }, 'Slack request failed');
    }
    const view = b.view as { callback_id?: string } | undefined;
    if (b.type === 'view_submission' && ctx.opswatchAck) {
      const errors = appErr
        ? modalErrors(appErr, view?.callback_id ?? '')
        : { [FIRST_BLOCK[view?.callback_id ?? ''] ?? DECLARE_INPUTS.title.blockId]: text.slice(0, 150) };
      try {
        await ctx.opswatchAck({ response_action: 'errors', errors });
        return;
      } catch {
        // already acknowledged: fall through to a message
      }
    }
    try {
      await ctx.opswatchAck?.();
    } catch {
      // already acknowledged
    }
    if (!ctx.webClient) return;
    await tellUser(ctx.webClient, b, { text }).catch((err: unknown) =>
      log.warn({ err }, 'could not tell the Slack user about an error'),
    );
  });
}
