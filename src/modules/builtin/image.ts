// What an uploaded file really is, decided from its bytes (never from its name or the Content-Type the
// client claims). Only raster formats browsers render inertly are accepted: PNG, JPEG, GIF and WebP.
// SVG and HTML are refused because a browser may run script inside them.

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export interface ImageInfo {
  mime: ImageMime;
  ext: 'png' | 'jpg' | 'gif' | 'webp';
  width: number;
  height: number;
}

export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** A side past this, or more pixels than this, is refused: such files are decompression bombs for phones. */
export const IMAGE_MAX_SIDE = 16_384;
export const IMAGE_MAX_PIXELS = 40_000_000;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

function png(b: Buffer): ImageInfo | null {
  if (!startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || b.length < 24) return null;
  if (b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { mime: 'image/png', ext: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gif(b: Buffer): ImageInfo | null {
  const head = b.toString('latin1', 0, 6);
  if ((head !== 'GIF87a' && head !== 'GIF89a') || b.length < 10) return null;
  return { mime: 'image/gif', ext: 'gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function webp(b: Buffer): ImageInfo | null {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return null;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ' && startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
    return { mime: 'image/webp', ext: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { mime: 'image/webp', ext: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { mime: 'image/webp', ext: 'webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  }
  return null;
}

// JPEG keeps its size in a start-of-frame segment somewhere after the markers that precede it.
function jpeg(b: Buffer): ImageInfo | null {
  if (!startsWith(b, [0xff, 0xd8, 0xff])) return null;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    const len = b.readUInt16BE(i + 2);
    if (len < 2) return null;
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) return { mime: 'image/jpeg', ext: 'jpg', width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
    i += 2 + len;
  }
  return null;
}

/** The image in the bytes, or the reason it is refused (in words a member understands). */
export function sniffImage(bytes: Buffer): { ok: true; image: ImageInfo } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty' };
  if (bytes.length > IMAGE_MAX_BYTES) return { ok: false, reason: `the image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB` };
  const image = png(bytes) ?? jpeg(bytes) ?? gif(bytes) ?? webp(bytes);
  if (!image) return { ok: false, reason: 'the file is not a PNG, JPEG, GIF or WebP image (its content was checked, not its name)' };
  if (!image.width || !image.height) return { ok: false, reason: 'the image has no size' };
  if (image.width > IMAGE_MAX_SIDE || image.height > IMAGE_MAX_SIDE || image.width * image.height > IMAGE_MAX_PIXELS) {
    return { ok: false, reason: `the image is ${image.width}×${image.height} pixels; at most ${IMAGE_MAX_SIDE} a side and ${IMAGE_MAX_PIXELS / 1e6} megapixels` };
  }
  return { ok: true, image };
}

/** A file name safe to store and show: no path, no control characters, at most 120 characters. */
export function cleanFileName(name: string | undefined, ext: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim().slice(0, 120);
  return clean || `image.${ext}`;
}
