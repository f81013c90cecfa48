import { readFileSync } from 'node:fs';
import { parseStudios, StudiosError, type Studio } from './studios.js';

/** Reads and checks a studios file; a message names the file's variable, never its content. */
export function readStudiosFile(path: string, defaultLimit?: number): Studio[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new StudiosError(`RELAY_STUDIOS_FILE cannot be read (${code ?? 'error'}): ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, and that may be a key.
    throw new StudiosError(`RELAY_STUDIOS_FILE is not JSON: ${path}`);
  }
  try {
    return parseStudios(parsed, defaultLimit);
  } catch (error) {
    if (error instanceof StudiosError) throw new StudiosError(`RELAY_STUDIOS_FILE: ${error.message}`);
    throw error;
  }
}
