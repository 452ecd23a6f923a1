import type { App } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import {
  CONTACT_INPUTS,
  DECLARE_INPUTS,
  MERGE_INPUTS,
  NOTE_INPUTS,
  ONCALL_INPUTS,
  POSTMORTEM_INPUTS,
  postmortemPartInput,
  RESOLVE_INPUTS,
  ROLE_INPUTS,
  RULE_BLOCK_PREFIX,
  ruleInputIds,
  UPDATE_INPUTS,
  VIEWS,
} from '../../blocks/ids.js';
import { isDatabaseOutage, unavailable } from '../db/tx.js';
import { type AppError, isAppError } from '../shared/errors.js';
import { errorRef } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { OpsWatchContext } from './context.js';
import { tellUser } from './surface.js';

interface ModalFields {
  /** Which input block shows an error about a field (the first segment of a dotted field name). */
  fields: Record<string, string>;
  /** Where an error that names no known field goes. */
  first: string;
  /** Fields that already name a block of the modal (its rows are numbered, so no fixed map lists them). */
  blockPrefix?: string;
}

/** Each modal's field → block map, by callback id. */
const MODAL_FIELDS: Record<string, ModalFields> = {
  [VIEWS.declare]: {
    fields: {
      title: DECLARE_INPUTS.title.blockId,
      service: DECLARE_INPUTS.service.blockId,
      severity: DECLARE_INPUTS.severity.blockId,
      description: DECLARE_INPUTS.description.blockId,
      environment: DECLARE_INPUTS.service.blockId,
    },
    first: DECLARE_INPUTS.title.blockId,
  },
  [VIEWS.note]: {
    fields: { text: NOTE_INPUTS.note.blockId, note: NOTE_INPUTS.note.blockId },
    first: NOTE_INPUTS.note.blockId,
  },
  [VIEWS.merge]: {
    fields: { into: MERGE_INPUTS.into.blockId, incident: MERGE_INPUTS.into.blockId },
    first: MERGE_INPUTS.into.blockId,
  },
  [VIEWS.resolve]: {
    fields: {
      fix: RESOLVE_INPUTS.fix.blockId,
      note: RESOLVE_INPUTS.fix.blockId,
      rootCause: RESOLVE_INPUTS.cause.blockId,
      addToKnowledgeBase: RESOLVE_INPUTS.kb.blockId,
    },
    first: RESOLVE_INPUTS.fix.blockId,
  },
  [VIEWS.override]: {
    fields: {
      scheduleId: ONCALL_INPUTS.schedule.blockId,
      userId: ONCALL_INPUTS.user.blockId,
      replaces: ONCALL_INPUTS.replaces.blockId,
      // Shown under the time picker, the second of each date + time pair.
      start: ONCALL_INPUTS.startTime.blockId,
      end: ONCALL_INPUTS.endTime.blockId,
    },
    first: ONCALL_INPUTS.schedule.blockId,
  },
  [VIEWS.addPhone]: {
    fields: { type: CONTACT_INPUTS.type.blockId, phoneNumber: CONTACT_INPUTS.phone.blockId },
    first: CONTACT_INPUTS.phone.blockId,
  },
  [VIEWS.verifyCode]: {
    fields: { code: CONTACT_INPUTS.code.blockId },
    first: CONTACT_INPUTS.code.blockId,
  },
  [VIEWS.role]: {
    fields: { role: ROLE_INPUTS.role.blockId, userId: ROLE_INPUTS.user.blockId },
    first: ROLE_INPUTS.user.blockId,
  },
  [VIEWS.statusUpdate]: {
    fields: { status: UPDATE_INPUTS.status.blockId, message: UPDATE_INPUTS.message.blockId },
    first: UPDATE_INPUTS.message.blockId,
  },
  [VIEWS.editRules]: {
    fields: {},
    first: ruleInputIds('high', 0).method.blockId,
    blockPrefix: RULE_BLOCK_PREFIX,
  },
  [VIEWS.postmortemSection]: {
    fields: {
      usersAffected: POSTMORTEM_INPUTS.usersAffected.blockId,
      revenue: POSTMORTEM_INPUTS.revenue.blockId,
    },
    first: postmortemPartInput(0).blockId,
  },
  [VIEWS.actionItem]: {
    fields: {
      title: POSTMORTEM_INPUTS.itemTitle.blockId,
      owner: POSTMORTEM_INPUTS.itemOwner.blockId,
      dueOn: POSTMORTEM_INPUTS.itemDue.blockId,
    },
    first: POSTMORTEM_INPUTS.itemTitle.blockId,
  },
};
const UNKNOWN_MODAL: ModalFields = { fields: {}, first: DECLARE_INPUTS.title.blockId };

function modalErrors(err: AppError, callbackId: string): Record<string, string> {
  const modal = MODAL_FIELDS[callbackId] ?? UNKNOWN_MODAL;
  const errors: Record<string, string> = {};
  for (const f of err.fields) {
    const block =
      modal.blockPrefix && f.field.startsWith(modal.blockPrefix)
        ? f.field
        : modal.fields[f.field.split('.')[0] ?? ''];
    if (block && !errors[block]) errors[block] = f.message.slice(0, 150);
  }
  if (Object.keys(errors).length === 0) errors[modal.first] = err.message.slice(0, 150);
  return errors;
}

/**
 * Bolt's global error handler: an AppError becomes field errors on a modal or an ephemeral message on the
 * surface the user is on; anything else a short message with a reference id, which is logged with the error.
 */
export function registerErrorHandler(app: App, log: Logger): void {
  app.error(async ({ error, context, body }: ExtendedErrorHandlerArgs) => {
    const original = (error as { original?: unknown }).original ?? error;
    const appErr = isAppError(original)
      ? original
      : isAppError(error)
        ? error
        : isDatabaseOutage(original)
          ? unavailable() // logged once by the database watch, not per request
          : null;
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
        : { [(MODAL_FIELDS[view?.callback_id ?? ''] ?? UNKNOWN_MODAL).first]: text.slice(0, 150) };
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
