import type { App } from '@slack/bolt';
import { CONTACT_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { addPhoneAction } from './add-phone.action.js';
import { addPhoneSubmitted } from './add-phone.view.js';
import { addRuleRowAction } from './add-rule-row.action.js';
import { editRulesAction } from './edit-rules.action.js';
import { enterCodeAction } from './enter-code.action.js';
import { removePhoneAction } from './remove-phone.action.js';
import { resendCodeAction } from './resend-code.action.js';
import { rulesSubmitted } from './rules.view.js';
import { testPageAction } from './test-page.action.js';
import { verifyCodeSubmitted } from './verify-code.view.js';

/**
 * "How you get paged" (`/oncall contact` opens it; App Home has its section): add a phone and enter its code,
 * remove one, edit the notification rules, send a test page.
 */
export function registerContact(app: App, deps: SlackDeps): void {
  app.action(CONTACT_ACTIONS.addPhone, addPhoneAction(deps));
  app.action(CONTACT_ACTIONS.enterCode, enterCodeAction(deps));
  app.action(CONTACT_ACTIONS.resendCode, resendCodeAction(deps));
  app.action(CONTACT_ACTIONS.remove, removePhoneAction(deps));
  app.action(CONTACT_ACTIONS.editRules, editRulesAction(deps));
  app.action(CONTACT_ACTIONS.addRuleRow, addRuleRowAction(deps));
  app.action(CONTACT_ACTIONS.testPage, testPageAction(deps));
  app.view(VIEWS.addPhone, addPhoneSubmitted(deps));
  app.view(VIEWS.verifyCode, verifyCodeSubmitted(deps));
  app.view(VIEWS.editRules, rulesSubmitted(deps));
}
