import type { CheckinMessage } from './state.js';

/** One SSE message: the id, then the body as `data:` lines (a line break in the body becomes a line break of the data). */
export function sseFrame(message: CheckinMessage): string {
  return `id: ${message.id}\n${message.body
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/** Opens every stream: a comment, and the log's position as the id of a `ready` event (EventSource's onmessage does not see it). */
export function readyFrame(position: string): string {
  return `: connected\nid: ${position}\nevent: ready\ndata:\n\n`;
}
