export { existingUserIds, findPerson, managerIdOf, type PersonRef, peopleByIds } from './people.lookup.js';
export {
  type BootstrapResult,
  type CreatedApiKey,
  DEFAULT_KEY_SCOPES,
  DEFAULT_TENANT_SLUG,
  type Tenant,
  TenantsService,
} from './tenants.service.js';
export {
  type UserDto,
  type UserInput,
  type UserPatch,
  type UserReferences,
  UsersService,
  userInputSchema,
  userPatchSchema,
} from './users.service.js';
