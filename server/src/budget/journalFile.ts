/**
 * The budget ledger's journal on disk (`ledger.jsonl`): one JSON entry per line, only ever appended to,
 * read incrementally from the byte offset where the last read stopped. What the lines mean — admission,
 * orphans, settling — is the ledger's business (`ledger.ts`); this file only writes whole lines and hands
 * back complete ones.
 *
 * - A write is one `write(2)` of one line to the file opened with O_APPEND; the line starts with a newline,
 *   so a torn line before it (a crash, a full disk) ends there and becomes one damaged line instead of
 *   swallowing ours. Readers skip the empty lines this leaves.
 * - Bytes after the last newline are a line still being copied in (or a torn one): never parsed, read
 *   again next time (`partialTail` says whether there are any).
 * - A journal replaced, deleted or cut short by hand is read again from the start (`restart`).
 * - `readJournal` reads the whole journal once more, asynchronously, for what the ledger's memory does not
 *   keep (the CSV export).
 * - Reading may start at an offset folded earlier (`resume`, from a checkpoint) once the file there is shown
 *   to be the same: same inode, at least that long, and the same bytes just before the offset.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { parseEntry, type LedgerEntry } from './ledgerEntry';

export interface Damage {
  /** Byte offset of the damaged line in the journal. */
  offset: number;
  length: number;
}

/** Where what is read goes. */
export interface JournalSink {
  entry(entry: LedgerEntry): void;
  damage(damage: Damage[]): void;
  /** The file was replaced or cut short: forget everything read so far; it is read again from the start. */
  restart(): void;
}

export class JournalFile {
  private fd: number;
  private ino = -1;
  private offset = 0;
  private tail = false;
  private lines = 0;
  /** Where the journal is read into; grows when one line does not fit. */
  private buffer = Buffer.allocUnsafe(64 * 1024);

  constructor(
    readonly path: string,
    private readonly sink: JournalSink,
  ) {
    // O_CREAT|O_APPEND: several processes creating the first ledger at once all open the same file.
    this.fd = openSync(path, 'a+');
  }

  /** Complete lines read (entries and damage) since this file was opened: what folding cost. */
  get linesRead(): number {
    return this.lines;
  }

  /** The file read (inode) and the offset of the first byte not read yet, always just after a newline. */
  get position(): { ino: number; offset: number } {
    return { ino: this.ino, offset: this.offset };
  }

  /**
   * What identifies the bytes read up to `offset` in the file open now: a hash of up to 4 KB before it.
   * Undefined when the file is shorter.
   */
  fingerprint(offset: number): string | undefined {
    const start = Math.max(0, offset - 4096);
    const bytes = Buffer.alloc(offset - start);
    if (readSync(this.fd, bytes, 0, bytes.length, start) !== bytes.length) {
      return undefined;
    }
    return createHash('sha256').update(bytes).digest('base64');
  }

  /**
   * Continues from `offset` of file `ino`, folded before, instead of from the start, if the path still
   * names that file and its bytes before `offset` match `fingerprint`. Returns whether it does.
   */
  resume(ino: number, offset: number, fingerprint: string): boolean {
    const stats = fstatSync(this.fd);
    if (stats.ino !== ino || statSync(this.path).ino !== ino || stats.size < offset || this.fingerprint(offset) !== fingerprint) {
      return false;
    }
    this.ino = ino;
    this.offset = offset;
    return true;
  }

  /** Whether the last read ended in bytes without their newline. */
  get partialTail(): boolean {
    return this.tail;
  }

  /**
   * Reads what other processes appended since the last read, after checking that the path still names
   * the file we read. Returns whether any line was read.
   */
  catchUp(): boolean {
    let size: number;
    let ino: number;
    try {
      ({ size, ino } = statSync(this.path));
    } catch {
      // Deleted by hand: start a new file (the next append writes it).
      ({ size, ino } = this.reopen());
    }
    if (ino !== this.ino || size < this.offset) {
      // Replaced or cut short by hand: fold it again from the start.
      if (this.ino !== -1 && ino === this.ino) {
        this.sink.damage([{ offset: size, length: this.offset - size }]);
      }
      ({ ino } = this.reopen());
      this.ino = ino;
      this.offset = 0;
      this.sink.restart();
    }
    return this.readNew();
  }

  /**
   * Reads the complete lines after the offset in the file we have open, without checking the path: the
   * file a line of ours went to is the one to read it back from. Returns whether any line was read.
   */
  readNew(): boolean {
    const damage: Damage[] = [];
    let applied = false;
    for (;;) {
      const read = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset);
      const start = completeLines(this.buffer, read, (entry, at, length) => {
        this.lines++;
        if (entry) {
          this.sink.entry(entry);
        } else {
          damage.push({ offset: this.offset + at, length });
        }
      });
      this.offset += start;
      applied ||= start > 0;
      if (read < this.buffer.length) {
        this.tail = start < read;
        break;
      }
      if (start === 0) {
        this.buffer = Buffer.allocUnsafe(this.buffer.length * 2); // One line longer than the buffer.
      }
    }
    if (damage.length > 0) {
      this.sink.damage(damage);
    }
    return applied;
  }

  /** Appends `entry` as one line in one `write(2)`. */
  append(entry: LedgerEntry): void {
    const line = Buffer.from(`\n${JSON.stringify(entry)}\n`);
    const written = writeSync(this.fd, line);
    if (written !== line.length) {
      // Only a full disk cuts a small write short: the torn line is reported as damage once closed off.
      throw new Error(`Tollgate could write only ${written} of ${line.length} bytes to its budget ledger ${this.path}; is the disk full?`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private reopen(): { size: number; ino: number } {
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+');
    const { size, ino } = fstatSync(this.fd);
    return { size, ino };
  }
}

/**
 * Hands `line` each complete, non-empty line of `buffer`'s first `length` bytes — its entry, or undefined
 * when it is damaged — with its offset in the buffer and its length. Returns the offset just after the last
 * newline: the bytes from there on are a line not complete yet (or longer than the buffer).
 */
function completeLines(
  buffer: Buffer,
  length: number,
  line: (entry: LedgerEntry | undefined, at: number, length: number) => void,
): number {
  let start = 0;
  for (let end = buffer.indexOf(10, 0); end !== -1 && end < length; end = buffer.indexOf(10, start)) {
    if (end > start) {
      line(parseEntry(buffer.toString('utf8', start, end)), start, end - start);
    }
    start = end + 1;
  }
  return start;
}

/**
 * Hands `entry` every good entry of the journal at `path`, oldest first, up to the last complete line the
 * file had when this started (lines appended meanwhile are left for the next read, as a sync read would
 * have missed them). For what the ledger's memory does not keep (the CSV export): unlike `JournalFile`,
 * it reads asynchronously, 64 KiB at a time, so the server goes on serving other requests and streaming
 * chats between pieces instead of stalling for the whole history (about a second per 100,000 calls), and
 * it holds only one piece at a time. Damaged lines are skipped: the ledger reports them when it folds them.
 * A journal that does not exist has no entries.
 */
export async function readJournal(path: string, entry: (entry: LedgerEntry) => void): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  try {
    const { size } = await file.stat();
    let buffer = Buffer.allocUnsafe(64 * 1024);
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
      if (bytesRead === 0) {
        return; // Cut short by hand meanwhile.
      }
      const start = completeLines(buffer, bytesRead, (parsed) => {
        if (parsed) {
          entry(parsed);
        }
      });
      offset += start;
      if (start === 0) {
        if (bytesRead < buffer.length) {
          return; // The last bytes are a line not complete yet.
        }
        buffer = Buffer.allocUnsafe(buffer.length * 2); // One line longer than the buffer.
      }
    }
  } finally {
    await file.close();
  }
}
