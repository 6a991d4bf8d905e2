// What each operator role may do. Permissions follow the role (DESIGN.md, operator role):
// an analyst reads but never writes; a service operator sees members but cannot export them;
// a supervisor reads everything, including the audit log, and changes nothing.
import type { operatorRole } from '../enums.ts';

export type Role = (typeof operatorRole.values)[number];

export type Permission =
  | 'community.read' | 'community.write'
  | 'group.read' | 'group.write'
  | 'member.read' | 'member.write' | 'member.export' | 'member.delete'
  | 'activity.read' | 'activity.write'
  | 'operator.read' | 'operator.manage'
  | 'token.manage'
  /** Connecting the workspace to external platforms (bots and their credentials). */
  | 'connection.manage'
  /** Running live relays (多群直播): sessions, their questions, archives and group owners' applications. */
  | 'live.manage'
  | 'audit.read';

const READ_ALL: Permission[] = ['community.read', 'group.read', 'member.read', 'activity.read', 'operator.read'];
const ALL: Permission[] = [
  ...READ_ALL, 'community.write', 'group.write', 'member.write', 'member.export', 'member.delete', 'activity.write',
  'operator.manage', 'token.manage', 'connection.manage', 'live.manage', 'audit.read',
];

export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(ALL),
  admin: new Set(ALL),
  operator: new Set([...READ_ALL, 'group.write', 'member.write', 'member.export', 'activity.write', 'live.manage']),
  planner: new Set([...READ_ALL, 'community.write', 'group.write']),
  promoter: new Set([...READ_ALL, 'member.write', 'activity.write']),
  designer: new Set([...READ_ALL]),
  content: new Set([...READ_ALL, 'activity.write', 'live.manage']),
  supervisor: new Set([...READ_ALL, 'audit.read']),
  analyst: new Set([...READ_ALL, 'member.export']),
  service: new Set(['community.read', 'group.read', 'member.read', 'activity.read', 'member.write', 'activity.write']),
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

/** Roles an actor may hand out: never more than its own (an admin cannot mint an owner). */
export function canGrant(granter: Role, role: Role): boolean {
  if (granter === 'owner') return true;
  if (role === 'owner') return false;
  return [...rolePermissions[role]].every((p) => rolePermissions[granter].has(p));
}
