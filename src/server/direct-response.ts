import type { OpenStream } from './stream-hub.js';

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-store',
  // Proxies such as nginx would otherwise hold the stream back.
  'X-Accel-Buffering': 'no',
  // No type sniffing: a browser that sniffs holds the first bytes back, and they carry the replay.
  'X-Content-Type-Options': 'nosniff',
};

/** Streams opened for a request, until the relay's answer to it is complete and the stream is given its body. */
const handedOver = new WeakMap<Request, OpenStream>();
/** The text of answers the relay made from a string, by request, which Node can write as they are. */
const texts = new WeakMap<Request, { text: string; status: number }>();

/**
 * An answer to `request` with a text body (an access code, an error): its status and headers now, its text
 * kept aside. The Node adapter writes the text to the socket as it is ({@link textOf}); {@link asWebResponse}
 * gives it as the body. A Response made from a string would hold it in a web stream, which cost more than the
 * rest of a cached code's answer.
 */
export function textResponse(request: Request, text: string, init: ResponseInit & { status: number }): Response {
  texts.set(request, { text, status: init.status });
  return new Response(null, init);
}

/**
 * The text kept for the answer to `request`, when `response` is that answer (the routes' middleware may
 * have copied it, adding headers; an error raised after it was made is answered with a body of its own).
 */
export function textOf(request: Request, response: Response): string | undefined {
  const kept = texts.get(request);
  if (!kept) return undefined;
  texts.delete(request);
  return response.body === null && response.status === kept.status ? kept.text : undefined;
}

/**
 * The answer to a stream request: its headers now (the routes' middleware adds to them), its body once the
 * answer is complete: {@link takeStream} in Node, {@link asWebResponse} for the fetch handler.
 */
export function streamResponse(request: Request, stream: OpenStream): Response {
  handedOver.set(request, stream);
  return new Response(null, { headers: STREAM_HEADERS });
}

/**
 * The stream opened for `request`, when its answer is the stream's (a 200); one that got another answer
 * (an error after the stream was opened) is ended here.
 */
export function takeStream(request: Request, response: Response): OpenStream | undefined {
  const stream = handedOver.get(request);
  if (!stream) return undefined;
  handedOver.delete(request);
  if (response.status === 200) return stream;
  stream.discard();
  return undefined;
}

/** The relay's answer as a web Response: with the stream opened for it, or its text, as the body. */
export function asWebResponse(request: Request, response: Response): Response {
  const stream = takeStream(request, response);
  if (stream) return new Response(stream.readable(), { status: 200, headers: response.headers });
  const text = textOf(request, response);
  if (text === undefined) return response;
  return new Response(request.method === 'HEAD' ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
