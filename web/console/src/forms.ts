// Problem+json field errors (errors[].field, e.g. "body.canvas.persona.ageMin") onto antd form fields.
import type { FormInstance } from 'antd';
import { ApiError } from './api';

/**
 * Shows each field error on its form field (`rename` maps API paths to form paths where they differ,
 * like cents shown as yuan); returns the messages no field took, for a general alert.
 */
export function applyFieldErrors(form: FormInstance, err: unknown, rename: Record<string, string> = {}): string[] {
  if (!(err instanceof ApiError)) return [err instanceof Error ? err.message : String(err)];
  const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const e of err.problem.errors ?? []) {
    const path = e.field.replace(/^body\.?/, '');
    let mapped = rename[path] ?? path;
    // An item of a list kept in one field (tags: settings.detect.keywords.3) goes to the list's field.
    while (!registered.has(mapped) && /\.\d+$/.test(mapped)) mapped = mapped.replace(/\.\d+$/, '');
    if (registered.has(mapped)) byField.set(mapped, [...(byField.get(mapped) ?? []), e.reason]);
    else rest.push(`${e.field}: ${e.reason}`);
  }
  form.setFields([...byField].map(([f, errors]) => ({ name: f.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors })));
  if (!byField.size && !rest.length) rest.push(err.problem.detail);
  return rest;
}
