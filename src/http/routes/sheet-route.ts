// A route that takes a spreadsheet (CSV or XLSX) as the request's raw body, at most 5 MB: the finance team's
// sheets of plan actuals and of costs. The handler reads it (after its own checks) into header and numbered rows.
import { z } from 'zod';
import { parseTableFile } from '../../importers/members-file.ts';
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import type { Sheet } from '../../kernel/sheet.ts';
import { Secured, type App } from './common.ts';

const MAX_SHEET_BYTES = 5 * 1024 * 1024;


export function sheetRoute<P extends z.ZodObject | undefined>(
  app: App,
  path: string,
  schema: { tags: string[]; summary: string; params?: P; response: z.ZodType; defaultName: string },
  handle: (ctx: Ctx, params: P extends z.ZodObject ? z.infer<P> : Record<string, never>, read: () => Promise<Sheet>) => Promise<unknown>,
) {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_SHEET_BYTES }, (_req, body, done) => done(null, body));
    scope.post(path, {
      schema: {
        tags: schema.tags, summary: schema.summary,
        description: `The file as the body (any Content-Type), at most ${MAX_SHEET_BYTES / 1024 / 1024} MB; name: the file's name (for the errors). Nothing is written unless every row is good; each problem names the line and column.`,
        security: Secured, ...(schema.params ? { params: schema.params } : {}),
        querystring: z.object({ name: z.string().max(200).default(schema.defaultName), sheet: z.string().max(100).optional() }).strict(),
        response: { 200: schema.response },
      },
    }, async (req) => {
      const q = req.query as { name: string; sheet?: string };
      const read = async (): Promise<Sheet> => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw invalid([{ field: 'body', reason: 'the upload is empty: send the sheet as the body' }]);
        const t = await parseTableFile(q.name, body, { sheet: q.sheet });
        return { file: q.name, headers: t.headers, rows: t.rows };
      };
      return handle(req.ctx(), (req.params ?? {}) as never, read);
    });
  });
}
