import type { Writable } from 'node:stream';

/**
 * Writes a chunk and waits for `drain` when the sink's buffer is full (backpressure), so a slow
 * reader slows the producer instead of growing memory. Rejects when the sink closes or fails first.
 */
export function writeChunk(sink: Writable, chunk: string | Buffer): Promise<void> {
  if (sink.destroyed || sink.writableEnded) return Promise.reject(new Error('the export sink was closed before the export finished'));
  if (sink.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      sink.off('error', onError);
    };
    const onDrain = () => (cleanup(), resolve());
    const onClose = () => (cleanup(), reject(new Error('the export sink was closed before the export finished')));
    const onError = (error: Error) => (cleanup(), reject(error));
    sink.on('drain', onDrain);
    sink.on('close', onClose);
    sink.on('error', onError);
  });
}
