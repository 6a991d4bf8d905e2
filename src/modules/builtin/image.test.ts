import { describe, expect, it } from 'vitest';
import { FILE_MAX_BYTES, cleanFileName, kindOfUpload, servedInline, sniffFile, sniffImage } from './image.ts';

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

  it('reads a file\'s type from its bytes, and refuses markup whatever it is called', () => {
    const file = (b: Buffer) => { const r = sniffFile(b); return r.ok ? r.file : r.reason; };
    expect(file(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead')]))).toMatchObject({ mime: 'audio/ogg', kind: 'voice' });
    expect(file(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('\x01vorbis')]))).toMatchObject({ mime: 'application/ogg', kind: 'audio' });
    expect(file(Buffer.from('%PDF-1.7\n'))).toMatchObject({ mime: 'application/pdf', kind: 'file' });
    expect(file(Buffer.concat([Buffer.alloc(4), Buffer.from('ftypisom')]))).toMatchObject({ mime: 'video/mp4', kind: 'video' });
    expect(file(Buffer.from('ID3\x04'))).toMatchObject({ mime: 'audio/mpeg', kind: 'audio' });
    expect(file(Buffer.from('plain notes'))).toMatchObject({ mime: 'application/octet-stream', kind: 'file' });
    for (const markup of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '\uFEFF  <!doctype html><p>', '<?xml version="1.0"?><x/>', '<script>alert(1)</script>']) {
      expect(file(Buffer.from(markup)), markup).toMatch(/HTML, SVG or XML/);
    }
    expect(file(Buffer.alloc(0))).toBe('the file is empty');
    expect(file(Buffer.alloc(FILE_MAX_BYTES + 1))).toMatch(/larger than 50 MB/);
  });

  it('serves inline only what a browser shows inertly', () => {
    expect(kindOfUpload({ mime: 'image/png', width: 10 })).toBe('image');
    expect(kindOfUpload({ mime: 'audio/ogg', width: 0 })).toBe('voice');
    expect(kindOfUpload({ mime: 'application/pdf', width: 0 })).toBe('file');
    expect(servedInline('audio/ogg')).toBe(true);
    expect(servedInline('application/pdf')).toBe(false);
    expect(servedInline('application/octet-stream')).toBe(false);
    expect(servedInline('image/svg+xml')).toBe(false);
  });
});
