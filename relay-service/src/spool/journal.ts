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
//
// Bounded: shots awaiting Kafka may take up to `maxBytes` on disk; past that
// `full` is true and the relay refuses new shots (counted, alarmed) rather
// than fill the disk. Memory is bounded apart from that: only the oldest
// `memoryRecords` pending shots are kept in memory (the sender's next
// batches); the rest stay on disk and are read back, in order, as the
// sender catches up. Appends waiting for their write are not bounded here:
// the relay, the only appender, stops taking laser messages while too many
// wait (SHOTLINE_INGEST_QUEUE_MAX, src/trigger/relay.ts).
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShotRecord } from '../shot.ts';

const SEGMENT_BYTES = 8 * 1024 * 1024;
const SEGMENT_RE = /^(\d{12})\.jsonl$/;
/** pending shots kept in memory; the rest are read back from disk when the sender gets to them */
const MEMORY_RECORDS = 20_000;
/** bytes read per refill from disk */
const REFILL_BYTES = 4 * 1024 * 1024;

interface Segment {
  first: number;
  last: number;
  bytes: number;
  path: string;
}

interface PendingWrite {
  records: ShotRecord[];
  /** each record's JSON line */
  lines: string[];
  bytes: number;
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
}

interface Pending {
  record: ShotRecord;
  bytes: number;
}

export interface JournalStats {
  lastShotNumber: number;
  ackedShotNumber: number;
  pendingShots: number;
  pendingBytes: number;
  maxBytes: number;
  segments: number;
  /** pending shots held in memory (the rest are on disk only) */
  inMemory: number;
  /** appended, waiting for their write and fdatasync */
  writeQueue: number;
  writeQueueBytes: number;
  /** writes (each with its fdatasync) since the journal was opened */
  writes: number;
}

export class ShotJournal {
  readonly dir: string;
  readonly maxBytes: number;
  readonly #memoryRecords: number;
  readonly #segmentBytes: number;
  #segments: Segment[] = [];
  #fh: FileHandle | null = null;
  #lastShotNumber = 0;
  #reserved = 0;
  #acked = 0;
  /** the oldest pending shots (written, not acknowledged), in order */
  #window: Pending[] = [];
  /** pending shots after the window, on disk only: how many, and where the first one starts */
  #spilled = 0;
  #spillAt: { path: string; offset: number } | null = null;
  #pendingBytes = 0;
  /** appended, not yet written */
  #queuedBytes = 0;
  #queuedRecords = 0;
  #batch: PendingWrite | null = null;
  #writing: Promise<void> = Promise.resolve();
  /** a write step is queued on #writing and will take #batch, whatever it holds by then */
  #flushQueued = false;
  #writes = 0;
  #ackTimer: NodeJS.Timeout | null = null;
  #closed = false;

  private constructor(dir: string, maxBytes: number, memoryRecords: number, segmentBytes: number) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.#memoryRecords = memoryRecords;
    this.#segmentBytes = segmentBytes;
  }

  /**
   * Opens (or creates) the journal; `floor` is a shot number known to be used elsewhere (e.g. the
   * store's highest); `memoryRecords` bounds the pending shots kept in memory; `segmentBytes`
   * is the size at which a new segment file is started (tests make it small).
   */
  static async open(dir: string, options: { maxBytes: number; floor?: number; memoryRecords?: number; segmentBytes?: number }): Promise<ShotJournal> {
    const journal = new ShotJournal(dir, options.maxBytes, Math.max(1, options.memoryRecords ?? MEMORY_RECORDS), options.segmentBytes ?? SEGMENT_BYTES);
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
      // A segment without a whole record (a crash between creating it and its first write) carries
      // nothing, not even the counter: remove it, so a later segment of the same name is not listed twice.
      if (records.length === 0) {
        await rm(path, { force: true });
        continue;
      }
      let last = first - 1;
      for (const { record, bytes, offset } of records) {
        last = record.shotNumber;
        if (record.shotNumber > this.#acked) this.#addPending(record, bytes, path, offset);
      }
      this.#segments.push({ first, last, bytes: validBytes, path });
      this.#lastShotNumber = Math.max(this.#lastShotNumber, last);
    }
    this.#lastShotNumber = Math.max(this.#lastShotNumber, this.#acked, floor);
    this.#reserved = this.#lastShotNumber;
    await this.#dropAckedSegments();
  }

  /** A written shot becomes pending: into the window while it has room and nothing is spilled, else on disk only. */
  #addPending(record: ShotRecord, bytes: number, path: string, offset: number): void {
    this.#pendingBytes += bytes;
    if (this.#spilled === 0 && this.#window.length < this.#memoryRecords) {
      this.#window.push({ record, bytes });
      return;
    }
    if (this.#spilled === 0) this.#spillAt = { path, offset };
    this.#spilled++;
  }

  /** The next shot number. Numbers are handed out in order; `append` must follow in the same order. */
  nextShotNumber(): number {
    return ++this.#reserved;
  }

  get lastShotNumber(): number {
    return this.#lastShotNumber;
  }

  /**
   * True when the shots awaiting Kafka (written or queued) reached `maxBytes`: the relay must not
   * number new shots until Kafka takes some.
   */
  get full(): boolean {
    return this.#pendingBytes + this.#queuedBytes >= this.maxBytes;
  }

  /** Resolves once the record is on disk (fdatasync). */
  append(record: ShotRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal is closed'));
    const line = JSON.stringify(record) + '\n';
    const bytes = Buffer.byteLength(line);
    this.#queuedBytes += bytes;
    this.#queuedRecords++;
    return new Promise((resolve, reject) => {
      if (!this.#batch) {
        this.#batch = { records: [], lines: [], bytes: 0, waiters: [] };
        setImmediate(() => this.#flush());
      }
      this.#batch.records.push(record);
      this.#batch.lines.push(line);
      this.#batch.bytes += bytes;
      this.#batch.waiters.push({ resolve, reject });
    });
  }

  // The batch is taken when its step runs, not when it is queued: appends made while an
  // earlier write and fdatasync are in progress join one batch, so a process that falls
  // behind (short of CPU or disk) writes fewer, larger groups and catches up, instead of
  // queueing one small write per event-loop turn.
  #flush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    this.#writing = this.#writing.then(() => {
      this.#flushQueued = false;
      const batch = this.#batch;
      this.#batch = null;
      return batch ? this.#write(batch) : undefined;
    });
  }

  async #write(batch: PendingWrite): Promise<void> {
    try {
      const first = batch.records[0]!.shotNumber;
      let segment = this.#segments.at(-1);
      if (!segment || !this.#fh || segment.bytes >= this.#segmentBytes) {
        await this.#fh?.close();
        this.#fh = null;
        const path = join(this.dir, `${String(first).padStart(12, '0')}.jsonl`);
        this.#fh = await open(path, 'a');
        if (segment?.path === path) {
          // the newest segment, reopened after a restart: go on appending to it
        } else {
          segment = { first, last: first - 1, bytes: 0, path };
          this.#segments.push(segment);
          await syncDir(this.dir);
        }
      }
      await this.#fh.write(batch.lines.join(''));
      await this.#fh.datasync();
      this.#writes++;
      let offset = segment.bytes;
      segment.bytes += batch.bytes;
      batch.records.forEach((r, i) => {
        const bytes = Buffer.byteLength(batch.lines[i]!);
        segment.last = r.shotNumber;
        this.#lastShotNumber = r.shotNumber;
        this.#addPending(r, bytes, segment.path, offset);
        offset += bytes;
      });
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      for (const w of batch.waiters) w.reject(err as Error);
    } finally {
      this.#queuedBytes -= batch.bytes;
      this.#queuedRecords -= batch.records.length;
    }
  }

  /** Shots on disk that Kafka has not acknowledged, oldest first (at most `limit`), from memory. See `next`. */
  pending(limit: number): ShotRecord[] {
    return this.#window.slice(0, limit).map((p) => p.record);
  }

  /** Like `pending`, but first reads shots kept on disk only back into memory when the window runs low. */
  async next(limit: number): Promise<ShotRecord[]> {
    if (this.#spilled > 0 && this.#window.length < Math.min(limit, this.#memoryRecords)) {
      const refill = this.#writing.then(() => this.#refill());
      this.#writing = refill.catch(() => {});
      await refill;
    }
    return this.pending(limit);
  }

  /** Reads spilled shots, in order, until the window is full again (one bounded read per call). */
  async #refill(): Promise<void> {
    while (this.#spilled > 0 && this.#spillAt && this.#window.length < this.#memoryRecords) {
      const at = this.#spillAt;
      const index = this.#segments.findIndex((seg) => seg.path === at.path);
      const segment = this.#segments[index];
      if (!segment) throw new Error(`journal: segment ${at.path} of unsent shots is missing`);
      const end = segment.bytes;
      if (at.offset >= end) {
        const nextSeg = this.#segments[index + 1];
        if (!nextSeg) throw new Error('journal: unsent shots counted beyond the last segment');
        this.#spillAt = { path: nextSeg.path, offset: 0 };
        continue;
      }
      const length = Math.min(REFILL_BYTES, end - at.offset);
      const buf = Buffer.alloc(length);
      const fh = await open(at.path, 'r');
      try {
        await fh.read(buf, 0, length, at.offset);
      } finally {
        await fh.close();
      }
      let pos = 0;
      while (this.#spilled > 0 && this.#window.length < this.#memoryRecords) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0) break;
        const record = JSON.parse(buf.subarray(pos, nl).toString('utf8')) as ShotRecord;
        this.#window.push({ record, bytes: nl + 1 - pos });
        this.#spilled--;
        pos = nl + 1;
      }
      if (pos === 0) throw new Error(`journal: a record at ${at.path}:${at.offset} is longer than ${REFILL_BYTES} bytes`);
      this.#spillAt = this.#spilled > 0 ? { path: at.path, offset: at.offset + pos } : null;
    }
  }

  get pendingCount(): number {
    return this.#window.length + this.#spilled;
  }

  /** Kafka acknowledged every shot up to and including `shotNumber`. */
  ack(shotNumber: number): void {
    if (shotNumber <= this.#acked) return;
    this.#acked = shotNumber;
    let n = 0;
    while (n < this.#window.length && this.#window[n]!.record.shotNumber <= shotNumber) {
      this.#pendingBytes -= this.#window[n]!.bytes;
      n++;
    }
    this.#window.splice(0, n);
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
      pendingShots: this.pendingCount,
      pendingBytes: this.#pendingBytes,
      maxBytes: this.maxBytes,
      segments: this.#segments.length,
      inMemory: this.#window.length,
      writeQueue: this.#queuedRecords,
      writeQueueBytes: this.#queuedBytes,
      writes: this.#writes,
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
  const records: { record: ShotRecord; bytes: number; offset: number }[] = [];
  let offset = 0;
  let validBytes = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(10, offset);
    if (nl < 0) break;
    try {
      const record = JSON.parse(buf.subarray(offset, nl).toString('utf8')) as ShotRecord;
      if (!Number.isSafeInteger(record.shotNumber)) break;
      records.push({ record, bytes: nl + 1 - offset, offset });
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
