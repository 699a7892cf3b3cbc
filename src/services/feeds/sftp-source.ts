import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import SftpClient from 'ssh2-sftp-client';
import { JobFailure } from '../../jobs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SftpSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  readonly privateKey?: string;
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it; null accepts any host key (not recommended). */
  readonly hostKeySha256: string | null;
}

export interface RemoteFile {
  readonly name: string;
  readonly size: number;
}

/** The OpenSSH fingerprint of a raw host key: `SHA256:` and base64 without padding. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** `*.csv`, `customers-??.txt`: `*` and `?` only, the rest literal. */
export function patternMatcher(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * One connection to a feed's SFTP server (ssh2-sftp-client), with the host key checked against the
 * pinned fingerprint. A failed connection fails the run with its reason (the next scheduled run tries again).
 */
export class SftpSource {
  // The library's default listeners console.log every end and close (and console.error every error),
  // which broke the one-JSON-object-per-line log; failures reach us as the operation's rejection.
  private readonly client = new SftpClient('feed', { error: () => undefined, end: () => undefined, close: () => undefined });
  private seenKey: string | undefined;

  async connect(settings: SftpSettings, timeoutMs = 20_000): Promise<void> {
    try {
      await this.client.connect({
        host: settings.host, port: settings.port, username: settings.username, password: settings.password, privateKey: settings.privateKey,
        readyTimeout: timeoutMs, retries: 0,
        hostVerifier: (key: Buffer) => {
          this.seenKey = hostKeyFingerprint(key);
          return settings.hostKeySha256 === null || this.seenKey === settings.hostKeySha256;
        },
      });
    } catch (error) {
      if (settings.hostKeySha256 !== null && this.seenKey !== undefined && this.seenKey !== settings.hostKeySha256) {
        throw new JobFailure(`the SFTP server's host key is ${this.seenKey}, not the pinned ${settings.hostKeySha256}; refusing to connect`);
      }
      throw new JobFailure(`could not connect to sftp://${settings.username}@${settings.host}:${settings.port}: ${(error as Error).message}`);
    }
  }

  /** Plain files of `dir` whose name matches, by name. */
  async list(dir: string, pattern: RegExp): Promise<RemoteFile[]> {
    const entries = await this.client.list(dir);
    return entries.filter((e) => e.type === '-' && pattern.test(e.name)).map((e) => ({ name: e.name, size: e.size })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Downloads a file to `localPath`, streaming; resolves with its SHA-256 (hex) and size. */
  async download(remotePath: string, localPath: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const out = createWriteStream(localPath);
    const done = pipeline(tap, out);
    await this.client.get(remotePath, tap);
    await done;
    return { sha256: hash.digest('hex'), size };
  }

  /** Moves a file into `folder` (made when missing), under a new name if one is taken there. */
  async moveInto(dir: string, name: string, folder: string): Promise<string> {
    const target = `${dir}/${folder}`;
    if (!(await this.client.exists(target))) await this.client.mkdir(target, true);
    const destination = (await this.client.exists(`${target}/${name}`)) ? `${target}/${name}.${Date.now()}` : `${target}/${name}`;
    await this.client.rename(`${dir}/${name}`, destination);
    return destination;
  }

  async write(remotePath: string, content: string): Promise<void> {
    await this.client.put(Buffer.from(content, 'utf8'), remotePath);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
