// The shot journal: every triggered shot is appended here, and fsynced,
// before anything else learns of it. It is both the shot counter (the last
// number in the journal is the last number used, so a number is never reused
// after a crash) and the spool of shots Kafka has not acknowledged yet (those
// after the `acked` watermark are sent again after a restart; the watcher
// stores by uid, so a second delivery is a no-op).
//
// Layout in <dir>: segment files `<first shot number, 12 digits>.jsonl`, one
// JSON shot record per line, and `acked` holding the highest shot number Kafka
// acknowledged. Appends are group-committed: all records appended in one turn
// of the event loop share one write and one fdatasync.
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShotRecord } from '../shot.ts';

const SEGMENT_BYTES = 8 * 1024 * 1024;
const SEGMENT_RE = /^(\d{12})\.jsonl$/;

interface Segment {
  first: number;
  last: number;
  bytes: number;
  path: string;
}

interface PendingWrite {
  records: ShotRecord[];
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
}

export interface JournalStats {
  lastShotNumber: number;
  ackedShotNumber: number;
  pendingShots: number;
  pendingBytes: number;
  maxBytes: number;
  segments: number;
}

export class ShotJournal {
  readonly dir: string;
  readonly maxBytes: number;
  #segments: Segment[] = [];
  #fh: FileHandle | null = null;
  #lastShotNumber = 0;
  #reserved = 0;
  #acked = 0;
  /** shots written but not acknowledged, oldest first */
  #unacked: ShotRecord[] = [];
  #unackedBytes = 0;
  #sizes = new Map<number, number>();
  #batch: PendingWrite | null = null;
  #writing: Promise<void> = Promise.resolve();
  #ackTimer: NodeJS.Timeout | null = null;
  #closed = false;

  private constructor(dir: string, maxBytes: number) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** Opens (or creates) the journal; `floor` is a shot number known to be used elsewhere (e.g. the store's highest). */
  static async open(dir: string, options: { maxBytes: number; floor?: number }): Promise<ShotJournal> {
    const journal = new ShotJournal(dir, options.maxBytes);
    await journal.#load(options.floor ?? 0);
    return journal;
  }

  async #load(floor: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#acked = await readNumber(join(this.dir, 'acked'));
    const names = (await readdir(this.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    for (const name of names) {
      const path = join(this.dir, name);
      const first = Number(SEGMENT_RE.exec(name)![1]);
      const { records, validBytes, totalBytes } = await readSegment(path);
      // A torn last line (crash mid-write, before its fsync completed) was never acknowledged to anyone: drop it.
      if (validBytes < totalBytes) {
        const fh = await open(path, 'r+');
        await fh.truncate(validBytes);
        await fh.sync();
        await fh.close();
      }
      let last = first - 1;
      for (const { record, bytes } of records) {
        last = record.shotNumber;
        if (record.shotNumber > this.#acked) {
          this.#unacked.push(record);
          this.#sizes.set(record.shotNumber, bytes);
          this.#unackedBytes += bytes;
        }
      }
      this.#segments.push({ first, last, bytes: validBytes, path });
      this.#lastShotNumber = Math.max(this.#lastShotNumber, last);
    }
    this.#lastShotNumber = Math.max(this.#lastShotNumber, this.#acked, floor);
    this.#reserved = this.#lastShotNumber;
    await this.#dropAckedSegments();
  }

  /** The next shot number. Numbers are handed out in order; `append` must follow in the same order. */
  nextShotNumber(): number {
    return ++this.#reserved;
  }

  get lastShotNumber(): number {
    return this.#lastShotNumber;
  }

  /** Resolves once the record is on disk (fdatasync). */
  append(record: ShotRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    return new Promise((resolve, reject) => {
      if (!this.#batch) {
        this.#batch = { records: [], waiters: [] };
        setImmediate(() => this.#flush());
      }
      this.#batch.records.push(record);
      this.#batch.waiters.push({ resolve, reject });
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = null;
    if (!batch) return;
    this.#writing = this.#writing.then(() => this.#write(batch));
  }

  async #write(batch: PendingWrite): Promise<void> {
    try {
      const lines = batch.records.map((r) => JSON.stringify(r) + '\n');
      const text = lines.join('');
      const first = batch.records[0]!.shotNumber;
      let segment = this.#segments.at(-1);
      if (!segment || !this.#fh || segment.bytes >= SEGMENT_BYTES) {
        await this.#fh?.close();
        const path = join(this.dir, `${String(first).padStart(12, '0')}.jsonl`);
        this.#fh = await open(path, 'a');
        segment = { first, last: first - 1, bytes: 0, path };
        this.#segments.push(segment);
        await syncDir(this.dir);
      }
      await this.#fh.write(text);
      await this.#fh.datasync();
      segment.bytes += Buffer.byteLength(text);
      batch.records.forEach((r, i) => {
        const bytes = Buffer.byteLength(lines[i]!);
        segment.last = r.shotNumber;
        this.#lastShotNumber = r.shotNumber;
        this.#unacked.push(r);
        this.#sizes.set(r.shotNumber, bytes);
        this.#unackedBytes += bytes;
      });
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      for (const w of batch.waiters) w.reject(err as Error);
    }
  }

  /** Shots on disk that Kafka has not acknowledged, oldest first (at most `limit`). */
  pending(limit: number): ShotRecord[] {
    return this.#unacked.slice(0, limit);
  }

  get pendingCount(): number {
    return this.#unacked.length;
  }

  /** Kafka acknowledged every shot up to and including `shotNumber`. */
  ack(shotNumber: number): void {
    if (shotNumber <= this.#acked) return;
    this.#acked = shotNumber;
    let n = 0;
    while (n < this.#unacked.length && this.#unacked[n]!.shotNumber <= shotNumber) {
      const num = this.#unacked[n]!.shotNumber;
      this.#unackedBytes -= this.#sizes.get(num) ?? 0;
      this.#sizes.delete(num);
      n++;
    }
    this.#unacked.splice(0, n);
    // The watermark only saves re-sending after a crash, so it is written lazily.
    this.#ackTimer ??= setTimeout(() => {
      this.#ackTimer = null;
      this.#writing = this.#writing.then(() => this.#persistAck());
    }, 200);
  }

  async #persistAck(): Promise<void> {
    const tmp = join(this.dir, 'acked.tmp');
    await writeFile(tmp, String(this.#acked));
    await rename(tmp, join(this.dir, 'acked'));
    await this.#dropAckedSegments();
  }

  async #dropAckedSegments(): Promise<void> {
    // Keep the newest segment: it carries the counter.
    while (this.#segments.length > 1 && this.#segments[0]!.last <= this.#acked) {
      const seg = this.#segments.shift()!;
      await rm(seg.path, { force: true });
    }
  }

  stats(): JournalStats {
    return {
      lastShotNumber: this.#lastShotNumber,
      ackedShotNumber: this.#acked,
      pendingShots: this.#unacked.length,
      pendingBytes: this.#unackedBytes,
      maxBytes: this.maxBytes,
      segments: this.#segments.length,
    };
  }

  /** Flushes appends in flight and the ack watermark, then closes the file. */
  async close(): Promise<void> {
    this.#flush();
    if (this.#ackTimer) {
      clearTimeout(this.#ackTimer);
      this.#ackTimer = null;
      this.#writing = this.#writing.then(() => this.#persistAck());
    }
    this.#closed = true;
    await this.#writing;
    await this.#fh?.close();
    this.#fh = null;
  }
}

async function readNumber(path: string): Promise<number> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

async function readSegment(path: string) {
  const buf = await readFile(path);
  const records: { record: ShotRecord; bytes: number }[] = [];
  let offset = 0;
  let validBytes = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(10, offset);
    if (nl < 0) break;
    try {
      const record = JSON.parse(buf.subarray(offset, nl).toString('utf8')) as ShotRecord;
      if (!Number.isSafeInteger(record.shotNumber)) break;
      records.push({ record, bytes: nl + 1 - offset });
    } catch {
      break;
    }
    offset = nl + 1;
    validBytes = offset;
  }
  return { records, validBytes, totalBytes: (await stat(path)).size };
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
