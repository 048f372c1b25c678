/**
 * The ledger's checkpoint (`<storage>/budget/ledger.checkpoint.json`): the fold of the journal's first
 * `offset` bytes (`LedgerState.snapshot()`), so that opening a ledger folds only the lines after it instead
 * of the whole history. Memory keeps only what the fold needs (open reservations, the open days' calls,
 * totals per day), so the checkpoint stays small however long the journal grows.
 *
 * It is a cache, never the record: the journal is not changed, rotated or locked for it, so appends and the
 * order that decides admission are exactly as without it. The fold of a given prefix is the same in every
 * process, so any process may write a checkpoint at any time: each is written whole to a file of its own
 * and renamed over the last one (atomic), and whichever rename lands last is as true as the others. A
 * checkpoint is used only when the journal is still the file it was taken from: same inode, at least
 * `offset` bytes long, and the same 4 KB just before `offset`; anything else (a journal replaced, cut short
 * or edited by hand, a checkpoint unreadable, damaged or of another format `v`) folds the journal from its
 * start, as before checkpoints. A process that dies while writing leaves only its temporary file, which the
 * next ledger to open removes.
 */
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from '../validation';
import type { Damage } from './journalFile';
import { daySchema, reserveSchema, settleSchema } from './ledgerEntry';
import type { StateSnapshot } from './ledgerState';

/** The format; a fold with other rules must use another number, so an old checkpoint is not trusted. */
const version = 1;

const count = z.number().check(z.int(), z.gte(0));
const modelSpend = z.object({ model: z.string(), spentUsd: z.number(), calls: count });

const checkpointSchema = z.object({
  v: z.literal(version),
  ino: z.number(),
  offset: count,
  fingerprint: z.string(),
  /** Damaged lines before `offset`, reported again by every ledger that opens from here. */
  damage: z.array(z.object({ offset: count, length: count })),
  state: z.object({
    newestDay: z.union([daySchema, z.literal('')]),
    openFrom: z.union([daySchema, z.literal('')]),
    pending: z.array(reserveSchema),
    settled: z.array(settleSchema),
    refused: z.array(z.tuple([z.string(), daySchema])),
    raised: z.array(z.tuple([daySchema, z.number()])),
    spendByDay: z.array(z.tuple([daySchema, z.array(modelSpend)])),
  }),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

/** The checkpoint of the journal at `journalPath`, or undefined when there is none or it cannot be used. */
export function readCheckpoint(journalPath: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(checkpointPath(journalPath), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the checkpoint whole, then puts it in place of the last one. */
export function writeCheckpoint(
  journalPath: string,
  at: { ino: number; offset: number; fingerprint: string },
  damage: readonly Damage[],
  state: StateSnapshot,
): void {
  const checkpoint: Checkpoint = { v: version, ...at, damage: [...damage], state };
  const target = checkpointPath(journalPath);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(checkpoint));
  renameSync(temporary, target);
}

/** Removes temporary checkpoint files left by processes that died while writing one. */
export function removeAbandoned(journalPath: string, isAlive: (pid: number) => boolean): void {
  const prefix = `${basename(checkpointPath(journalPath))}.`;
  for (const name of readdirSync(dirname(journalPath))) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length, -'.tmp'.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      try {
        unlinkSync(join(dirname(journalPath), name));
      } catch {
        // Removed by another process meanwhile.
      }
    }
  }
}

function checkpointPath(journalPath: string): string {
  return journalPath.replace(/\.jsonl$/, '.checkpoint.json');
}
