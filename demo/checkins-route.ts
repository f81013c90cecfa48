// The front desk's feed for the demo (`GET /v1/checkins`, the single studio
// `default`), served from src/server/checkin-feed.ts until the relay has the
// route itself. No sign-in, as everywhere in the demo: the relay's route
// will ask for a staff token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { feedFrame, type CheckinFeed, type FeedEntry } from '../src/server/checkin-feed.js';
import { compareEventIds } from '../src/server/state.js';

export const DEMO_STUDIO = 'default';
const KEEP_ALIVE_MS = 15_000;

/** Serves one event stream: the replay (the last 24 h, or what came after the client's last id), then live. */
export async function serveCheckins(feed: CheckinFeed, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://demo.invalid');
  const lastId = (req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('lastEventId');
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
    'X-Content-Type-Options': 'nosniff',
  });
  // Listening before the replay is read, so nothing falls between the two.
  let live = false;
  let lastSent = '';
  const early: FeedEntry[] = [];
  const send = (entry: FeedEntry) => {
    if (lastSent && compareEventIds(entry.id, lastSent) <= 0) return;
    lastSent = entry.id;
    res.write(feedFrame(entry));
  };
  const unsubscribe = feed.subscribe(DEMO_STUDIO, (entry) => (live ? send(entry) : early.push(entry)));
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  res.once('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
  const replay = await feed.replay(DEMO_STUDIO, lastId);
  // The replay and the first comment in one write: the element hears from the stream at once.
  let first = '';
  for (const entry of [...replay, ...early]) {
    if (lastSent && compareEventIds(entry.id, lastSent) <= 0) continue;
    lastSent = entry.id;
    first += feedFrame(entry);
  }
  live = true;
  res.write(`${first}: connected\n\n`);
}
