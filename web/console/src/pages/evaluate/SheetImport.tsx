// A finance sheet (CSV or XLSX) sent as it is, and what came of it: the server's report, or each bad cell as
// 第 N 行「列」— reason. Used by the plan's actuals, the costs and the event supporters. Test ids are the
// prefix's: `<p>-import` (the button), `<p>-import-ok`, `<p>-import-error` and `<p>-import-error-item`.
import { useState, type ReactNode } from 'react';
import { Alert, Button, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, upload, type FieldError } from '../../api';

export interface SheetResult<R> { file: string; report?: R; error?: { message: string; errors: FieldError[] } }

export function SheetImportButton<R>({ path, prefix, label, invalidate, onResult }: {
  /** The import's API path, without the query (`/costs/import`). */
  path: string;
  prefix: string;
  label: ReactNode;
  /** Queries the import changes. */
  invalidate: QueryKey[];
  onResult: (r: SheetResult<R>) => void;
}) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept=".csv,.xlsx,.xls,.txt" showUploadList={false}
      customRequest={async ({ file, onSuccess, onError }) => {
        const f = file as File;
        setBusy(true);
        try {
          const report = await upload<R>(`${path}?name=${encodeURIComponent(f.name)}`, f, 'application/octet-stream');
          await Promise.all(invalidate.map((queryKey) => qc.invalidateQueries({ queryKey })));
          onResult({ file: f.name, report });
          onSuccess?.(report);
        } catch (e) {
          onResult({ file: f.name, error: { message: (e as Error).message, errors: e instanceof ApiError ? e.problem.errors ?? [] : [] } });
          onError?.(e as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy} data-testid={`${prefix}-import`}>{label}</Button>
    </Upload>
  );
}

export function SheetImportResult<R>({ result, prefix, ok, onClose }: { result: SheetResult<R>; prefix: string; ok: (report: R) => string; onClose: () => void }) {
  const { t } = useTranslation();
  if (result.report) return <Alert data-testid={`${prefix}-import-ok`} type="success" showIcon closable={{ onClose }} style={{ marginBottom: 16 }} title={ok(result.report)} />;
  const errors = result.error?.errors ?? [];
  return (
    <Alert
      data-testid={`${prefix}-import-error`} type="error" showIcon closable={{ onClose }} style={{ marginBottom: 16 }}
      title={t('evaluate.plan.import.failed', { file: result.file })}
      description={errors.length ? (
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {errors.map((e, i) => {
            // file.csv:3:人员工资 → line 3, column 人员工资
            const at = /^(.*):(\d+):([^:]*)$/.exec(e.field);
            return (
              <li key={i} data-testid={`${prefix}-import-error-item`} data-field={e.field}>
                {at ? <strong>{t('evaluate.plan.import.at', { line: at[2], column: at[3] })}</strong> : <strong>{e.field}</strong>}
                {'：'}{e.reason}
              </li>
            );
          })}
        </ul>
      ) : result.error?.message}
    />
  );
}
