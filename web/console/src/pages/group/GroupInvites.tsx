// 邀请链接与二维码: the group's invite links (and its group set's rotating invite, 活码, which sends a
// newcomer to the next group with room), each with the full link to copy and a QR code drawn in the browser.
// Members' own referral links (made in the member app) are only counted here.
import { useMemo } from 'react';
import { Alert, App, Button, Empty, Image, Popconfirm, Skeleton, Space, Tag, Tooltip, Typography, theme } from 'antd';
import { CopyOutlined, DeleteOutlined, DownloadOutlined, LinkOutlined, PlusOutlined, RetweetOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, post, qs, type Invite } from '../../api';

export const invitesKey = (targetType: Invite['targetType'], targetId: string | null) => ['invites', targetType, targetId];

function useInvitesOf(targetType: Invite['targetType'], targetId: string | null) {
  return useQuery({
    queryKey: invitesKey(targetType, targetId),
    queryFn: () => get<{ items: Invite[] }>(`/invites${qs({ targetType, targetId })}`),
    enabled: !!targetId,
  });
}

export const inviteUrl = (invite: Invite) => `${location.origin}${invite.path}`;

/** The QR code of a link as a PNG data URL; `qrcode` loads with the first one. */
export function useQrCode(url: string) {
  return useQuery({
    queryKey: ['qr', url],
    queryFn: async () => {
      const QRCode = (await import('qrcode')).default;
      return QRCode.toDataURL(url, { margin: 1, width: 320, errorCorrectionLevel: 'M' });
    },
    staleTime: Infinity,
    gcTime: 10 * 60_000,
  });
}

/** Copies text; navigator.clipboard needs a secure context, so plain http on a LAN address falls back to execCommand. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy failed');
}

/** copyText with a toast saying it worked (or to copy by hand), in the words of the page's i18n keys. */
export function useCopy(keys: { copied: string; failed: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return async (text: string) => {
    try {
      await copyText(text);
      message.success(t(keys.copied));
    } catch {
      message.error(t(keys.failed));
    }
  };
}

export function GroupInvites({ groupId, groupName, groupSetId, setName, canWrite }: { groupId: string; groupName: string; groupSetId: string | null; setName: string | null; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const own = useInvitesOf('group', groupId);
  const set = useInvitesOf('group_set', groupSetId);
  const links = useMemo(() => [
    ...(own.data?.items ?? []).filter((i) => !i.referrerMemberId),
    ...(groupSetId ? (set.data?.items ?? []).filter((i) => !i.referrerMemberId) : []),
  ], [own.data, set.data, groupSetId]);
  const referrals = (own.data?.items ?? []).filter((i) => i.referrerMemberId).length;
  const create = useMutation({
    mutationFn: (v: { targetType: Invite['targetType']; targetId: string }) => post<Invite>('/invites', v),
    onSuccess: (i) => {
      message.success(i.targetType === 'group_set' ? t('invites.createdSet') : t('invites.created'));
      void qc.invalidateQueries({ queryKey: invitesKey(i.targetType, i.targetId) });
    },
    onError: (e) => message.error(e.message),
  });
  const pending = own.isPending || (!!groupSetId && set.isPending);
  const error = own.error ?? set.error;
  return (
    <div data-testid="group-invites">
      {canWrite && (
        <Space wrap style={{ marginBottom: 8 }}>
          <Button size="small" type="primary" ghost icon={<PlusOutlined />} loading={create.isPending && create.variables?.targetType === 'group'} onClick={() => create.mutate({ targetType: 'group', targetId: groupId })} data-testid="invite-new">
            {t('invites.new')}
          </Button>
          {groupSetId && (
            <Tooltip title={t('invites.newSetHelp', { name: setName ?? '' })}>
              <Button size="small" icon={<RetweetOutlined />} loading={create.isPending && create.variables?.targetType === 'group_set'} onClick={() => create.mutate({ targetType: 'group_set', targetId: groupSetId })} data-testid="invite-new-set">
                {t('invites.newSet')}
              </Button>
            </Tooltip>
          )}
        </Space>
      )}
      {error ? <Alert type="error" showIcon title={error.message} /> : pending ? <Skeleton active paragraph={{ rows: 2 }} /> : links.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('invites.empty')} style={{ margin: '8px 0' }} />
      ) : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
          {links.map((i) => <InviteCard key={i.id} invite={i} groupName={groupName} setName={setName} canWrite={canWrite} />)}
        </div>
      )}
      {referrals > 0 && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }} data-testid="invite-referrals">{t('invites.referrals', { count: referrals })}</Typography.Text>}
    </div>
  );
}

function InviteCard({ invite, groupName, setName, canWrite }: { invite: Invite; groupName: string; setName: string | null; canWrite: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const url = inviteUrl(invite);
  const qr = useQrCode(url);
  const revoke = useMutation({
    mutationFn: () => del(`/invites/${invite.id}`),
    onSuccess: () => {
      message.success(t('invites.revoked'));
      void qc.invalidateQueries({ queryKey: invitesKey(invite.targetType, invite.targetId) });
    },
    onError: (e) => message.error(e.message),
  });
  const copy = async () => {
    try {
      await copyText(url);
      message.success(t('invites.copied'));
    } catch {
      message.error(t('invites.copyFailed'));
    }
  };
  const rotating = invite.targetType === 'group_set';
  return (
    <div
      data-testid="invite"
      data-invite-id={invite.id}
      data-code={invite.code}
      style={{ display: 'flex', gap: 12, padding: 10, border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG, background: token.colorBgContainer }}
    >
      <div style={{ width: 104, height: 104, flex: 'none', border: `1px solid ${token.colorSplit}`, borderRadius: token.borderRadius, overflow: 'hidden', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        {qr.data ? (
          <Image src={qr.data} width={102} height={102} alt={t('invites.qrAlt', { name: rotating ? (setName ?? '') : groupName })} data-testid="invite-qr" preview={{ mask: t('invites.enlarge') }} />
        ) : qr.error ? (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>{qr.error.message}</Typography.Text>
        ) : (
          <Skeleton.Image active style={{ width: 96, height: 96 }} />
        )}
      </div>
      <div style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: 4 }}>
        <Space size={6} wrap>
          {rotating
            ? <Tag color="purple" bordered={false} icon={<RetweetOutlined />} style={{ marginInlineEnd: 0 }}>{t('invites.rotating', { name: setName ?? '' })}</Tag>
            : <Tag color="blue" bordered={false} icon={<LinkOutlined />} style={{ marginInlineEnd: 0 }}>{t('invites.groupLink')}</Tag>}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('invites.createdAt', { at: new Date(invite.createdAt).toLocaleDateString(i18n.language) })}</Typography.Text>
        </Space>
        <Typography.Text style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12, wordBreak: 'break-all' }} data-testid="invite-url">{url}</Typography.Text>
        <Space size={4} wrap style={{ marginTop: 'auto' }}>
          <Button size="small" icon={<CopyOutlined />} onClick={copy} data-testid="invite-copy">{t('invites.copy')}</Button>
          <Button size="small" icon={<DownloadOutlined />} href={qr.data} download={`${rotating ? (setName ?? 'invite') : groupName}-${invite.code}.png`} disabled={!qr.data} data-testid="invite-download">
            {t('invites.download')}
          </Button>
          {canWrite && (
            <Popconfirm title={t('invites.revokeConfirm')} onConfirm={() => revoke.mutate()} okButtonProps={{ danger: true, 'data-testid': 'invite-revoke-confirm' } as { danger: boolean }}>
              <Button size="small" type="text" danger icon={<DeleteOutlined />} loading={revoke.isPending} data-testid="invite-revoke">{t('invites.revoke')}</Button>
            </Popconfirm>
          )}
        </Space>
      </div>
    </div>
  );
}
