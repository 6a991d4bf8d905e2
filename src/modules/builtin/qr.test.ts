import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { qrCodesIn } from './qr.ts';

const code = (text: string, opts: QRCode.QRCodeToBufferOptions = {}) => QRCode.toBuffer(text, { margin: 2, width: 320, ...opts });
const canvas = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 214, g: 196, b: 168 } } });

describe('qrCodesIn', () => {
  it('reads a QR code on its own, inside a large JPEG photo, inverted, and in WebP and GIF', async () => {
    const wx = 'https://u.wechat.com/EAbCdEf12345';
    expect(await qrCodesIn(await code(wx))).toEqual([wx]);
    // A poster photographed at phone size, the code in a corner, JPEG-compressed.
    const photo = await canvas(3000, 2200).composite([{ input: await code(wx, { width: 420 }), left: 2450, top: 1650 }]).jpeg({ quality: 75 }).toBuffer();
    expect(await qrCodesIn(photo)).toEqual([wx]);
    const inverted = await sharp(await code('加我微信 tea_shop_2024')).negate({ alpha: false }).png().toBuffer();
    expect(await qrCodesIn(inverted)).toEqual(['加我微信 tea_shop_2024']);
    expect(await qrCodesIn(await sharp(await code(wx)).webp({ quality: 80 }).toBuffer())).toEqual([wx]);
    expect(await qrCodesIn(await sharp(await code(wx)).gif().toBuffer())).toEqual([wx]);
  });

  it('finds nothing in a picture without one, and in bytes it cannot decode', async () => {
    expect(await qrCodesIn(await canvas(800, 600).png().toBuffer())).toEqual([]);
    const truncated = (await code('https://example.com')).subarray(0, 200);
    expect(await qrCodesIn(truncated)).toEqual([]);
    expect(await qrCodesIn(Buffer.from('GIF89a not really'))).toEqual([]);
  });
});
