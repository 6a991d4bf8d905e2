// The member's share poster: the group's invite QR code carrying their referral code, drawn on a canvas
// so it can be saved as one image and shared; joins through it are attributed to the member.
import { Button, Modal, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ChatGroup } from '../api';
import { useMe } from '../session';

interface Referral {
  path: string;
  qrDataUrl: string;
  invite: { code: string };
}

function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of Array.from(text)) {
    if (ctx.measureText(line + ch).width > maxWidth && line) {
      lines.push(line);
      line = ch;
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines.slice(0, 3);
}

export function Poster({ group: g, onClose }: { group: ChatGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const ref = useQuery({ queryKey: ['poster', g.id], queryFn: () => api<Referral>('GET', `/me/groups/${encodeURIComponent(g.id)}/poster`) });
  const canvas = useRef<HTMLCanvasElement>(null);
  const [png, setPng] = useState<string | null>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !ref.data || !me.data) return;
    const ctx = c.getContext('2d')!;
    const qr = new Image();
    qr.onload = () => {
      const W = 600;
      const H = 900;
      c.width = W;
      c.height = H;
      const grad = ctx.createLinearGradient(0, 0, W, H);
      grad.addColorStop(0, '#1f7a4d');
      grad.addColorStop(1, '#3fa36f');
      ctx.fillStyle = grad;
      ctx.fillRect(0, 0, W, H);
      ctx.fillStyle = '#fff';
      ctx.font = 'bold 44px "WenQuanYi Micro Hei", "PingFang SC", sans-serif';
      ctx.textAlign = 'center';
      wrap(ctx, g.name, W - 80).forEach((l, i) => ctx.fillText(l, W / 2, 110 + i * 54));
      ctx.font = '26px "WenQuanYi Micro Hei", "PingFang SC", sans-serif';
      ctx.fillText(t('poster.invites', { name: g.me.nickname || me.data.member.displayName }), W / 2, 300);
      ctx.fillStyle = '#fff';
      ctx.fillRect(W / 2 - 170, 340, 340, 340);
      ctx.drawImage(qr, W / 2 - 160, 350, 320, 320);
      ctx.font = '24px "WenQuanYi Micro Hei", "PingFang SC", sans-serif';
      ctx.fillText(t('poster.scan'), W / 2, 740);
      ctx.font = '20px monospace';
      ctx.fillText(`${t('poster.code')} ${ref.data.invite.code}`, W / 2, 790);
      setPng(c.toDataURL('image/png'));
    };
    qr.src = ref.data.qrDataUrl;
  }, [ref.data, me.data, g, t]);

  return (
    <Modal open onCancel={onClose} footer={null} title={t('poster.title')} data-testid="poster">
      <canvas ref={canvas} hidden />
      {png ? <img className="poster" src={png} alt={t('poster.title')} data-testid="poster-image" /> : <Typography.Text type="secondary">{t('poster.drawing')}</Typography.Text>}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('poster.hint')}</Typography.Paragraph>
      {png && <Button type="primary" block href={png} download={`${g.name}-poster.png`}>{t('poster.save')}</Button>}
    </Modal>
  );
}
