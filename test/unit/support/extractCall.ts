/** Sends `tollgate/extract` over a test connection and returns the result or the typed error. */
import { type ProtocolConnection, ResponseError } from 'vscode-languageserver-protocol/node';
import { type ErrorData, type ExtractParams, ExtractRequest, type ExtractResult } from '../../../server/src/protocol';

export interface ExtractOutcome {
  result?: ExtractResult;
  error?: ResponseError<ErrorData>;
}

export async function extract(connection: ProtocolConnection, params: ExtractParams): Promise<ExtractOutcome> {
  try {
    return { result: await connection.sendRequest(ExtractRequest.type, params) };
  } catch (error) {
    if (error instanceof ResponseError) {
      return { error: error as ResponseError<ErrorData> };
    }
    throw error;
  }
}
