import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { AppError, isAppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { RulesMetadata } from './contact-metadata.js';
import { readRules, ruleProblemBlock, type StateValues } from './contact-rules.calc.js';
import { refreshOrigin, userIdOf } from './how-paged.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The rules form saved through the notification rules (replacing both chains). The form's own problems and the
 * service's refusals show on the rows they are about; the service names a rule by its place in the saved chain,
 * which is translated back to the form's row.
 */
export function rulesSubmitted(deps: SlackDeps) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const meta = decodeMetadata(RulesMetadata, view.private_metadata);
    const read = readRules(view.state.values as StateValues, meta.rows);
    if (read.problems.length) throw AppError.validation('The rules are not valid.', read.problems);
    const actor = await actorOf(context);
    await deps.services.notificationRules.set(actor, userIdOf(actor), read.rules).catch((err: unknown) => {
      if (!isAppError(err) || err.code !== 'validation') throw err;
      const fields = err.fields.map((f) => ({
        ...f,
        field: ruleProblemBlock(f.field, read.rowOf) ?? f.field,
      }));
      throw AppError.validation(err.message, fields);
    });
    await ack();
    const { rows: _, ...origin } = meta;
    await refreshOrigin(deps, client, actor, body.user.id, origin, ':white_check_mark: Rules saved.');
  };
}
