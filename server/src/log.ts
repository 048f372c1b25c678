/**
 * The server's log. It goes to the client as `window/logMessage` (VS Code shows it in the Tollgate
 * output channel); in `--stdio` mode stdout is the LSP channel, so nothing here ever writes to it.
 * Callers pass no secrets; `redact` in errors.ts guards provider text.
 */
import { type Connection, LogMessageNotification, MessageType } from 'vscode-languageserver';

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function connectionLog(connection: Connection): Log {
  const send = (type: MessageType, message: string) => {
    // A line logged after the editor disposed the connection has nowhere to go; it must not throw.
    try {
      connection.sendNotification(LogMessageNotification.type, { type, message }).catch(() => undefined);
    } catch {
      // Disposed.
    }
  };
  return {
    info: (message) => send(MessageType.Info, message),
    warn: (message) => send(MessageType.Warning, message),
    error: (message) => send(MessageType.Error, message),
  };
}
