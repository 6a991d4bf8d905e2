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
export function cleanFileName(name: string | undefined, ext: string, fallback = 'image'): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim().slice(0, 120);
  return clean || `${fallback}.${ext}`;
}

// ---- any other file ----

/** What members post besides images; `voice` is an Ogg/Opus recording (what phones record and Telegram plays as a voice note). */
export type FileKind = 'file' | 'voice' | 'video' | 'audio';

/** Telegram's cap on what a bot uploads: a file larger than this could be kept but never relayed there. */
export const FILE_MAX_BYTES = 50 * 1024 * 1024;

export interface FileInfo {
  mime: string;
  ext: string;
  kind: FileKind;
}

// The type is read from the bytes for the few formats the apps play (audio, video) or name (PDF, archives);
// every other file is application/octet-stream, so nothing a member uploads (HTML, SVG, script) is ever
// served under a type a browser would render.
function media(b: Buffer): FileInfo | null {
  const at = (s: string, i = 0) => b.toString('latin1', i, i + s.length) === s;
  if (at('OggS')) {
    // An Opus stream says so in its first page; Vorbis and others are plain audio.
    return b.subarray(0, 200).includes('OpusHead') ? { mime: 'audio/ogg', ext: 'ogg', kind: 'voice' } : { mime: 'application/ogg', ext: 'ogg', kind: 'audio' };
  }
  if (at('ID3') || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0 && b.length > 3)) return { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' };
  if (at('RIFF') && at('WAVE', 8)) return { mime: 'audio/wav', ext: 'wav', kind: 'audio' };
  if (at('#!AMR')) return { mime: 'audio/amr', ext: 'amr', kind: 'audio' };
  if (at('ftyp', 4)) {
    const brand = b.toString('latin1', 8, 12);
    return brand.startsWith('M4A') ? { mime: 'audio/mp4', ext: 'm4a', kind: 'audio' } : { mime: 'video/mp4', ext: 'mp4', kind: 'video' };
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { mime: 'video/webm', ext: 'webm', kind: 'video' };
  if (at('%PDF-')) return { mime: 'application/pdf', ext: 'pdf', kind: 'file' };
  if (at('PK\x03\x04')) return { mime: 'application/zip', ext: 'zip', kind: 'file' };
  return null;
}

/**
 * Markup a browser would run script in (HTML, SVG, XML): refused even as a download, since a member who
 * opens the saved file opens it in a browser. A zipped page is still accepted.
 */
function isMarkup(b: Buffer): boolean {
  const head = b.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('<') && /<(!doctype|html|svg|script|\?xml|body|head|iframe|object|embed)\b/i.test(head);
}

/** A file that is not an image: its type from its bytes (application/octet-stream when unknown), or why it is refused. */
export function sniffFile(bytes: Buffer): { ok: true; file: FileInfo } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty' };
  if (bytes.length > FILE_MAX_BYTES) return { ok: false, reason: `the file is larger than ${FILE_MAX_BYTES / 1024 / 1024} MB` };
  if (isMarkup(bytes)) {
    return { ok: false, reason: 'the file is not a PNG, JPEG, GIF or WebP image but HTML, SVG or XML, which a browser may run script in (its content was checked, not its name): send it zipped' };
  }
  return { ok: true, file: media(bytes) ?? { mime: 'application/octet-stream', ext: 'bin', kind: 'file' } };
}

/** The kind of a stored upload, from what was sniffed when it was kept (images have a size, other files 0×0). */
export function kindOfUpload(u: { mime: string; width: number }): 'image' | FileKind {
  if (u.width > 0 && u.mime.startsWith('image/')) return 'image';
  if (u.mime === 'audio/ogg') return 'voice';
  if (u.mime.startsWith('audio/') || u.mime === 'application/ogg') return 'audio';
  if (u.mime.startsWith('video/')) return 'video';
  return 'file';
}

/** Whether a browser may show the file in the page (an image, a player); everything else is only downloaded. */
export const servedInline = (mime: string) => /^(image\/(png|jpeg|gif|webp)|audio\/(ogg|mpeg|wav|mp4|amr)|application\/ogg|video\/(mp4|webm))$/.test(mime);
