import { AppError } from '../../../shared/errors.js';
import type { SlackDeps } from '../../context.js';
import type { RunbookSubcommands } from '../runbook-command/runbook.command.js';
import { openRunModal } from './open-run.js';

/** `/runbook run <slug> INC-42`: the run modal for that runbook and incident (pick the action, confirm). */
export function runbookRunCommand(deps: SlackDeps): NonNullable<RunbookSubcommands['run']> {
  return async ({ cmd, actor, client, triggerId }) => {
    if (!cmd.incidentRef) throw AppError.validation(`Name the incident: /runbook run ${cmd.slug} INC-42`);
    await openRunModal(deps, client, actor, triggerId, cmd.slug, cmd.incidentRef);
  };
}
