export {
  type BootstrapResult,
  type CreatedApiKey,
  DEFAULT_KEY_SCOPES,
  DEFAULT_TENANT_SLUG,
  type Tenant,
  TenantsService,
} from './tenants.service.js';
export { type UserDto, type UserInput, UsersService, userInputSchema } from './users.service.js';
