/**
 * The past chats of one workspace, kept in `workspaceState` so they survive a reload. What is read back is
 * validated (zod): the stored value may come from an older version or be damaged, and a bad value must
 * cost the history, never the chat view. Pure: the storage is injected, so this has no `vscode` import.
 */
import * as z from '../../../server/src/validation';
import { actionUrlSchema } from './retryNotice';
import type { ChatSummary, TranscriptEntry } from './webviewProtocol';

/** The workspaceState key. */
export const historyStorageKey = 'tollgate.chat.history';

/** Older chats beyond this many are dropped, oldest first: history is a convenience, not an archive. */
export const maxStoredChats = 50;

export interface HistoryStorage {
  get(): unknown;
  update(value: StoredHistory): PromiseLike<void>;
}

const entrySchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  state: z.enum(['streaming', 'done', 'stopped', 'error']),
  error: z.optional(
    z.object({
      kind: z.string(),
      message: z.string(),
      action: z.optional(z.enum(['setApiKey', 'showServerOutput', 'openBilling', 'retry'])),
      interrupted: z.optional(z.boolean()),
      retryAt: z.optional(z.number()),
      // Open Billing Page opens this, so what is read back is held to what the server may send.
      actionUrl: z.optional(actionUrlSchema),
    }),
  ),
  note: z.optional(z.string()),
});

const chatSchema = z.object({
  id: z.string(),
  title: z.string(),
  updatedAt: z.number(),
  entries: z.array(entrySchema),
});

const historySchema = z.object({ version: z.literal(1), activeId: z.string(), chats: z.array(chatSchema) });

export interface StoredChat extends ChatSummary {
  entries: TranscriptEntry[];
}
export interface StoredHistory {
  version: 1;
  activeId: string;
  chats: StoredChat[];
}

export class ChatHistory {
  private chats: StoredChat[];
  private activeId: string;

  constructor(
    private readonly storage: HistoryStorage,
    private readonly now: () => number = Date.now,
  ) {
    const parsed = historySchema.safeParse(storage.get());
    this.chats = parsed.success ? (parsed.data.chats as StoredChat[]).map(settleInterrupted) : [];
    const active = parsed.success ? this.chats.find((chat) => chat.id === parsed.data.activeId) : undefined;
    this.activeId = active?.id ?? this.create().id;
  }

  get active(): StoredChat {
    const chat = this.find(this.activeId);
    if (chat) {
      return chat;
    }
    const created = this.create();
    this.activeId = created.id;
    return created;
  }

  /** Newest first; empty chats other than the shown one are not listed. */
  summaries(): ChatSummary[] {
    return this.chats
      .filter((chat) => chat.entries.length > 0 || chat.id === this.activeId)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map(({ id, title, updatedAt }) => ({ id, title, updatedAt }));
  }

  /** Shows a new empty chat, reusing the shown one if it is still empty. */
  startNew(): StoredChat {
    if (this.active.entries.length === 0) {
      return this.active;
    }
    const chat = this.create();
    this.activeId = chat.id;
    void this.save();
    return chat;
  }

  select(id: string): StoredChat | undefined {
    const chat = this.find(id);
    if (chat) {
      this.activeId = id;
      void this.save();
    }
    return chat;
  }

  /** Forgets a chat. Returns the chat to show next when the shown one was deleted. */
  delete(id: string): StoredChat | undefined {
    const before = this.chats.length;
    this.chats = this.chats.filter((chat) => chat.id !== id);
    if (this.chats.length === before) {
      return undefined;
    }
    let next: StoredChat | undefined;
    if (id === this.activeId) {
      next = [...this.chats].sort((a, b) => b.updatedAt - a.updatedAt)[0] ?? this.create();
      this.activeId = next.id;
    }
    void this.save();
    return next;
  }

  /** Records a chat's transcript (after an exchange started or ended). */
  record(id: string, entries: TranscriptEntry[]): Promise<void> {
    const chat = this.find(id);
    if (!chat) {
      return Promise.resolve(); // deleted while its answer streamed: it stays deleted
    }
    chat.entries = entries;
    chat.updatedAt = this.now();
    const firstPrompt = entries.find((entry) => entry.role === 'user')?.text;
    chat.title = firstPrompt === undefined ? chat.title : titleOf(firstPrompt);
    return this.save();
  }

  private create(): StoredChat {
    const chat: StoredChat = { id: `c${this.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, title: 'New chat', updatedAt: this.now(), entries: [] };
    this.chats.push(chat);
    return chat;
  }

  private find(id: string): StoredChat | undefined {
    return this.chats.find((chat) => chat.id === id);
  }

  private async save(): Promise<void> {
    const kept = this.chats
      .filter((chat) => chat.entries.length > 0 || chat.id === this.activeId)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, maxStoredChats);
    this.chats = this.chats.filter((chat) => kept.includes(chat));
    await this.storage.update({ version: 1, activeId: this.activeId, chats: kept });
  }
}

/** The first line of the first prompt, shortened: what the list of chats shows. */
export function titleOf(prompt: string): string {
  const line = prompt.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || 'New chat';
}

/** An answer that was streaming when the window closed ended there: it is kept, marked stopped. */
function settleInterrupted(chat: StoredChat): StoredChat {
  return {
    ...chat,
    entries: chat.entries.map((entry) => (entry.state === 'streaming' ? { ...entry, state: 'stopped' } : entry)),
  };
}
