import { z } from 'zod';
import { operatorRole } from '../enums.ts';
import { ScopeSchema } from './scope.ts';

export const RoleSchema = z.enum(operatorRole.values);
const Email = z.string().trim().toLowerCase().max(254).email();
const Password = z.string().min(8, 'at least 8 characters').max(256);

export const OperatorCreateSchema = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(100),
    role: RoleSchema,
    password: Password.optional(),
    scope: ScopeSchema.nullable().optional(),
  })
  .strict();

export const OperatorUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    role: RoleSchema.optional(),
    password: Password.optional(),
    scope: ScopeSchema.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const OperatorSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  scope: ScopeSchema.nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type Operator = z.infer<typeof OperatorSchema>;

export const TokenCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: RoleSchema,
    scope: ScopeSchema.nullable().optional(),
  })
  .strict();

export const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  scope: ScopeSchema.nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof TokenSchema>;

export const SignInSchema = z
  .object({
    email: Email,
    password: z.string().min(1).max(256),
    workspace: z.string().max(64).optional(),
  })
  .strict();
