export { ensureWorkspace, findWorkspaceBySlug, getWorkspace, DEFAULT_WORKSPACE_SLUG, type Workspace } from './workspace.service.ts';
