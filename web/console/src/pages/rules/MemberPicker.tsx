// Picks members for a rule (a sharing roster, the moderation allow-list, a task's assignee): the group's
// own members first when the rule is a group's, anyone in the workspace by name, phone or handle through
// /members search. The order picked is kept (a roster speaks in that order).
import { useEffect, useMemo, useState } from 'react';
import { Select, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type Member, type Membership, type Page } from '../../api';
import { useMemberLabels } from './people';

interface Choice {
  value: string;
  label: string;
  hint: string;
}

type Props = {
  /** Members of this group are offered before anyone searches. */
  groupId?: string | null;
  placeholder?: string;
  testId?: string;
  style?: React.CSSProperties;
} & ({ multiple: true; value?: string[]; onChange?: (v: string[]) => void } | { multiple?: false; value?: string | null; onChange?: (v: string | null) => void });

export function MemberPicker(props: Props) {
  const { t } = useTranslation();
  const { groupId } = props;
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setTerm(q.trim()), 250);
    return () => clearTimeout(h);
  }, [q]);
  const roster = useQuery({
    queryKey: ['group-members', groupId],
    queryFn: () => get<Page<Membership & { displayName: string }>>(`/groups/${groupId}/memberships?limit=500`),
    enabled: !!groupId,
  });
  const search = useQuery({
    queryKey: ['member-search', groupId ?? null, term],
    queryFn: () => get<Page<Member>>(`/members${qs({ q: term, groupId: groupId ?? undefined, limit: 20 })}`),
    enabled: term.length > 0 || !groupId,
    placeholderData: keepPreviousData,
  });
  const selected = props.multiple ? (props.value ?? []) : props.value ? [props.value] : [];
  const labelOf = useMemberLabels(selected);

  const choices = useMemo<Choice[]>(() => {
    if (groupId && !term) {
      return (roster.data?.items ?? []).filter((m) => !m.leftAt).map((m) => ({
        value: m.memberId, label: m.nickname || m.displayName, hint: [m.numberDisplay, m.nickname ? m.displayName : null].filter(Boolean).join(' · '),
      }));
    }
    return (search.data?.items ?? []).map((m) => ({ value: m.id, label: m.displayName, hint: [m.city, m.occupation].filter(Boolean).join(' · ') }));
  }, [groupId, term, roster.data, search.data]);

  // Picked members the list does not show (another search, someone outside the group) keep their names.
  const options = useMemo(() => {
    const have = new Set(choices.map((c) => c.value));
    const extra = selected.filter((id) => !have.has(id)).map((id) => ({ value: id, label: labelOf(id) ?? id, hint: '' }));
    return [...choices, ...extra];
  }, [choices, selected, labelOf]);

  const common = {
    showSearch: { filterOption: false, onSearch: setQ, searchValue: q, autoClearSearchValue: true } as const,
    options,
    optionRender: (o: { data: Choice }) => (
      <span>
        {o.data.label}
        {o.data.hint && <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{o.data.hint}</Typography.Text>}
      </span>
    ),
    loading: roster.isFetching || search.isFetching,
    placeholder: props.placeholder ?? t('picker.placeholder'),
    notFoundContent: term ? t('picker.none') : null,
    style: { width: '100%', ...props.style },
    'data-testid': props.testId,
    onBlur: () => setQ(''),
  };
  if (props.multiple) {
    return <Select<string[], Choice> {...common} mode="multiple" value={props.value ?? []} onChange={(v) => { setQ(''); props.onChange?.(v); }} />;
  }
  return <Select<string | null, Choice> {...common} allowClear value={props.value ?? null} onChange={(v) => { setQ(''); props.onChange?.(v ?? null); }} />;
}
