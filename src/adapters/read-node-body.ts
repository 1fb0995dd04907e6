import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { BODY_TOO_LARGE } from './handler-options.js';

/** Node's request stream (`IncomingMessage`, or what a framework hands its body parsers). */
export type NodeBodyStream = Pick<Readable, 'on' | 'off' | 'resume' | 'readableEnded' | 'readableDidRead'>;

/**
 * True when something (a body parser) already read the request stream: then its result (`req.body`, and
 * `req.rawBody` where the parser keeps the bytes) is all there is left to use.
 */
function isBodyConsumed(stream: NodeBodyStream): boolean {
  return stream.readableDidRead || stream.readableEnded;
}

/**
 * The body a parser that ran before left: its exact bytes (`rawBody`) when it kept them, so repeated keys stay
 * visible, else what it parsed. The cap still holds, by `Content-Length` and by the size of `rawBody`.
 */
function parsedBody(headers: IncomingHttpHeaders, rawBody: unknown, body: unknown, maxBodySize: number): unknown {
  if (Number(headers['content-length']) > maxBodySize) return BODY_TOO_LARGE;
  if (rawBody === undefined || rawBody === null) return body;
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody instanceof Uint8Array ? rawBody.byteLength : 0;
  return size > maxBodySize ? BODY_TOO_LARGE : rawBody;
}

/**
 * Reads a request body as bytes, so that `handleTokenRequest` sees it exactly as sent: repeated keys stay
 * visible (SPEC R3) and the charset is its to check. Works with and without `Content-Length` (chunked bodies).
 * Resolves {@link BODY_TOO_LARGE} as soon as the body is known to exceed `maxBodySize`; the rest of it is then
 * discarded as it arrives, not buffered, so the connection stays usable and the response can go out at once.
 * Rejects when the stream fails or closes first (the client went away).
 */
export function readNodeBody(
  stream: NodeBodyStream,
  headers: IncomingHttpHeaders,
  maxBodySize: number,
): Promise<Uint8Array | typeof BODY_TOO_LARGE> {
  // A declared length over the cap is refused unread; Node discards an unread body after the response.
  if (Number(headers['content-length']) > maxBodySize) return Promise.resolve(BODY_TOO_LARGE);
  if (stream.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBodySize) {
        stop();
        // Keep the stream flowing with no listener: what is left is dropped, never accumulated.
        stream.resume();
        resolve(BODY_TOO_LARGE);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: unknown) => {
      stop();
      reject(error instanceof Error ? error : new Error('request body stream failed', { cause: error }));
    };
    const onClose = () => onError(new Error('request closed before its body was read'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    // A stream paused by earlier middleware would otherwise never deliver its data.
    stream.resume();
  });
}

/**
 * The body of a Node request for `handleTokenRequest`: what a body parser that already ran left (`parsed`, see
 * {@link parsedBody}), else the bytes read from the stream here ({@link readNodeBody}).
 */
export async function readRequestBody(
  stream: NodeBodyStream,
  headers: IncomingHttpHeaders,
  parsed: { rawBody?: unknown; body?: unknown },
  maxBodySize: number,
): Promise<unknown> {
  return isBodyConsumed(stream) ? parsedBody(headers, parsed.rawBody, parsed.body, maxBodySize) : readNodeBody(stream, headers, maxBodySize);
}
