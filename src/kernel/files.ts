// Where uploaded files live: a port with a disk implementation (the default). Keys are content addresses
// chosen by the caller, so writing the same bytes twice is harmless.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FileStore {
  put(key: string, bytes: Buffer): Promise<void>;
  read(key: string): Promise<Buffer>;
}

const KEY = /^[a-z0-9_-]+(\/[a-z0-9_.-]+)+$/i;

export class DiskFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    if (!KEY.test(key) || key.includes('..')) throw new Error(`Invalid file key ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write aside, then rename: a reader never sees half a file, and a crash leaves no torn one.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.file(key));
  }
}
