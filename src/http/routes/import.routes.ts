// Chat-history imports from the console: the export's bytes are streamed to a file under the data directory,
// the import starts in the background and the answer (202) carries its id; the console polls it for progress.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CHAT_FORMATS, ExportError, fileKey } from '../../importers/index.ts';
import { beginChatImport, getImport, importFailed, listImports } from '../../modules/chat-import/index.ts';
import { ShequnError, invalid } from '../../kernel/errors.ts';
import type { AppDeps } from '../app.ts';
import { IdParams, Secured, type App } from './common.ts';

/** Exports past this are better imported with `shequn import` on the server. */
export const IMPORT_MAX_BYTES = 2 * 1024 ** 3;

const ImportSchema = z.object({
  id: z.string(),
  format: z.string(),
  fileName: z.string(),
  communityId: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  recordsDone: z.number(),
  bytesTotal: z.number().nullable(),
  bytesDone: z.number().nullable(),
  added: z.object({ groups: z.number(), members: z.number(), messages: z.number(), service_events: z.number() }),
  error: z.string().nullable(),
  createdBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  report: z.object({
    groups: z.number(), members: z.number(), messages: z.number(), service_events: z.number(), skipped: z.number(),
    skippedReasons: z.array(z.object({ reason: z.string(), count: z.number(), first: z.string() })), resumedFrom: z.number(),
  }).nullable(),
});

const UploadQuery = z.object({
  format: z.enum(Object.keys(CHAT_FORMATS) as [string, ...string[]]),
  name: z.string().min(1).max(255).optional(),
  communityId: z.string().min(1).max(64).optional(),
  timezone: z.string().min(1).max(64).optional(),
}).strict();

/** Copies the body to `file`, refusing it past the limit (413) without keeping any of it. */
async function saveBody(body: Readable, file: string): Promise<number> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > IMPORT_MAX_BYTES) done(new ShequnError('payload.too_large', `An export larger than ${IMPORT_MAX_BYTES / 1024 ** 3} GiB: import it with \`shequn import\` on the server`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, fs.createWriteStream(file));
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e;
  }
  return size;
}

export function importRoutes(app: App, deps: Pick<AppDeps, 'config' | 'log'>) {
  const tags = ['导入 imports'];
  const dir = path.join(deps.config.dataDir, 'imports');

  app.get('/api/v1/imports', {
    schema: {
      tags, summary: 'Chat-history imports, newest first (the last 100), with their progress and reports', security: Secured,
      querystring: z.object({ communityId: z.string().max(64).optional(), status: z.enum(['running', 'completed', 'failed']).optional() }).strict(),
      response: { 200: z.object({ items: z.array(ImportSchema) }) },
    },
  }, async (req) => ({ items: await listImports(req.ctx(), req.query) }));

  app.get('/api/v1/imports/:id', {
    schema: { tags, summary: 'One import: its progress while it runs, its report or error after', security: Secured, params: IdParams, response: { 200: ImportSchema } },
  }, async (req) => getImport(req.ctx(), req.params.id));

  void app.register(async (scope) => {
    // The body is the export itself, streamed to disk: any Content-Type, never buffered.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/api/v1/imports', {
      schema: {
        tags, summary: 'Upload a chat export and import it in the background (202: poll GET /api/v1/imports/{id})', security: Secured, querystring: UploadQuery,
        description: `The export file as the body (any Content-Type), at most ${IMPORT_MAX_BYTES / 1024 ** 3} GiB. format: ${Object.keys(CHAT_FORMATS).join(', ')}. name: the file's name. The same file again adds nothing; an interrupted import of it goes on.`,
        response: { 202: ImportSchema },
      },
    }, async (req, reply) => {
      const ctx = req.ctx();
      ctx.authorize('member.write');
      const q = req.query as z.infer<typeof UploadQuery>;
      const reader = CHAT_FORMATS[q.format]!;
      await fs.promises.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.upload`);
      const size = await saveBody(req.body as Readable, file);
      if (size === 0) {
        await fs.promises.rm(file, { force: true });
        throw invalid([{ field: 'body', reason: 'the upload is empty: send the export file as the body' }]);
      }
      const name = q.name ?? `upload.${{ whatsapp: 'txt', qq: 'txt', wechat: 'csv', slack: 'zip' }[q.format] ?? 'json'}`;
      const timezone = q.timezone ?? deps.config.timezone;
      let started: Awaited<ReturnType<typeof beginChatImport>>;
      try {
        started = await beginChatImport(ctx, {
          platform: reader.platform, format: q.format, fileName: name, fileKey: await fileKey(file), communityId: q.communityId, bytes: size,
          records: () => reader.read(file, { timezone }),
        });
      } catch (e) {
        await fs.promises.rm(file, { force: true });
        throw e;
      }
      const log = deps.log.child({ importId: started.importId, file: name });
      void started.run()
        .then((r) => log.info({ added: r.added, messages: r.messages }, 'import completed'))
        .catch((e: unknown) => log.warn({ err: e instanceof ExportError ? importFailed(name, e.where, e.reason).message : e }, 'import failed'))
        .finally(() => fs.promises.rm(file, { force: true }));
      return reply.code(202).send(await getImport(ctx, started.importId));
    });
  });
}
