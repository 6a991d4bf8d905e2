import { describe, expect, it } from 'vitest';
import { cleanFileName, sniffImage } from './image.ts';

const png = (w: number, h: number) => {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
};

const jpeg = (w: number, h: number) => Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 255, w >> 8, w & 255, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9,
]);

describe('sniffImage', () => {
  it('reads the type and size from the bytes of PNG, JPEG, GIF and WebP', () => {
    expect(sniffImage(png(640, 480))).toEqual({ ok: true, image: { mime: 'image/png', ext: 'png', width: 640, height: 480 } });
    expect(sniffImage(jpeg(300, 200))).toEqual({ ok: true, image: { mime: 'image/jpeg', ext: 'jpg', width: 300, height: 200 } });
    const gif = Buffer.from('GIF89a\x20\x00\x10\x00\x00\x00\x00', 'latin1');
    expect(sniffImage(gif)).toMatchObject({ ok: true, image: { mime: 'image/gif', width: 32, height: 16 } });
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1'); webp.write('WEBP', 8, 'latin1'); webp.write('VP8X', 12, 'latin1');
    webp.writeUIntLE(99, 24, 3); webp.writeUIntLE(49, 27, 3);
    expect(sniffImage(webp)).toMatchObject({ ok: true, image: { mime: 'image/webp', width: 100, height: 50 } });
  });

  it('refuses SVG, HTML and renamed files whatever they claim to be, empty files and pixel bombs', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', '<html><script>alert(1)</script>', 'GIF8 not really']) {
      expect(sniffImage(Buffer.from(text))).toMatchObject({ ok: false, reason: expect.stringContaining('not a PNG') });
    }
    expect(sniffImage(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'the file is empty' });
    expect(sniffImage(png(20000, 20000))).toMatchObject({ ok: false, reason: expect.stringContaining('20000×20000') });
    expect(sniffImage(png(0, 10))).toMatchObject({ ok: false, reason: 'the image has no size' });
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toMatchObject({ ok: false });
  });

  it('keeps only a clean base name', () => {
    expect(cleanFileName('../../etc/passwd', 'png')).toBe('passwd');
    expect(cleanFileName('C:\\x\\<img src=x onerror=alert(1)>.png', 'png')).toBe('img src=x onerror=alert(1).png');
    expect(cleanFileName('\u0000', 'jpg')).toBe('image.jpg');
    expect(cleanFileName(undefined, 'gif')).toBe('image.gif');
  });
});
