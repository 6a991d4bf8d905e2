// Enum labels come from the product's one vocabulary, src/modules/enums.ts (shared with the server).
import { useTranslation } from 'react-i18next';
import * as enums from '../../../src/modules/enums.ts';

export { enums };

export type Vocab = { values: readonly string[]; labels: Record<string, readonly [string, string]> };

export function useLabels() {
  const { i18n } = useTranslation();
  const i = i18n.language === 'en' ? 1 : 0;
  const label = (v: Vocab, value: string | null | undefined): string => (value == null ? '' : (v.labels[value]?.[i] ?? value));
  const options = (v: Vocab) => v.values.map((value) => ({ value, label: v.labels[value]?.[i] ?? value }));
  return { label, options };
}
