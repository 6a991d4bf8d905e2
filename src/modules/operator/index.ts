export * from './operator.schema.ts';
export { getSelf, listOperators, getOperator, createOperator, updateOperator, deleteOperator, hashPassword } from './operator.service.ts';
export { signIn, signOut, principalFromSession, principalFromToken, createToken, listTokens, revokeToken, SESSION_TTL_MS, type Principal } from './auth.service.ts';
export { can, canGrant, rolePermissions, type Role, type Permission } from './permissions.ts';
export { ScopeSchema, scopeWithin, memberVisible, type Scope, type Visibility } from './scope.ts';
