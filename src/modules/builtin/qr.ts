// The QR codes in an uploaded image, decoded: a QR code posted in a group is the commonest way to pull its
// members elsewhere (a personal WeChat, another group, a shop). Read once at upload; the rules judge the
// decoded text (a group's own invite poster is fine, anything else is an ad).
import sharp, { type OutputInfo } from 'sharp';
// A CommonJS bundle: under Node's ESM its default import is module.exports, which carries the function as `default`.
import jsQR from 'jsqr';
import { IMAGE_MAX_PIXELS } from './image.ts';

/** Screenshots and posters hold their codes large; scanning at this size finds them and keeps an upload quick. */
const SCAN_SIDE = 1200;

/**
 * The text of the QR code in the image, if it has one ([] when it has none or cannot be decoded: the
 * upload itself was already accepted by its bytes). Animated images are scanned on their first frame.
 */
export async function qrCodesIn(bytes: Buffer): Promise<string[]> {
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, { limitInputPixels: IMAGE_MAX_PIXELS, animated: false })
      .rotate() // phone photos carry their orientation in EXIF
      .resize({ width: SCAN_SIDE, height: SCAN_SIDE, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch {
    return [];
  }
  const { data, info } = raw;
  const found = jsQR.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height, { inversionAttempts: 'attemptBoth' });
  return found && found.data ? [found.data] : [];
}
