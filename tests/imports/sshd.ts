import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { startProcess, type StartedProcess } from '../support/processes';

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));

/** Why a real SFTP server cannot be started here, or undefined when it can. */
export function sshdMissing(): string | undefined {
  if (!SSHD) return 'OpenSSH sshd is not installed (apt-get install openssh-server); the SFTP feed test is skipped. CI installs it.';
  if (process.getuid?.() !== 0) return 'sshd chroots need root (ChrootDirectory must be root-owned); the SFTP feed test is skipped.';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface TestSftpServer {
  readonly port: number;
  readonly user: string;
  /** The user's private key (OpenSSH form), for the feed. */
  readonly privateKey: string;
  /** The host key's fingerprint, SHA256:…, for pinning. */
  readonly hostKeySha256: string;
  /** The folder the SFTP user sees as `/` (the chroot). */
  readonly root: string;
  stop(): Promise<void>;
}

/**
 * A real OpenSSH server on loopback, on a free high port, with its own config, host key and user
 * key, SFTP only, chrooted to a fresh folder. The chroot must be root-owned and not writable by
 * others all the way up, so it lives under /var/lib, not /tmp; the folder the tests write into is
 * `<root>/inbox`.
 */
export async function startSftpServer(): Promise<TestSftpServer> {
  const base = '/var/lib/audience-graph-test-sftp';
  mkdirSync(base, { recursive: true, mode: 0o755 });
  chmodSync(base, 0o755);
  const dir = mkdtempSync(join(base, 'sshd-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'root');
  mkdirSync(join(root, 'inbox'), { recursive: true, mode: 0o755 });
  chmodSync(root, 0o755);
  const keys = join(dir, 'keys');
  mkdirSync(keys, { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keys, 'host'), '-C', 'test host']);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keys, 'user'), '-C', 'test user']);
  writeFileSync(join(keys, 'authorized_keys'), readFileSync(join(keys, 'user.pub')));
  chmodSync(join(keys, 'authorized_keys'), 0o600);
  const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(keys, 'host.pub')]).toString())![0];
  const user = execFileSync('id', ['-un']).toString().trim();
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(keys, 'host')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(keys, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password', 'UsePAM no', 'StrictModes no', `AllowUsers ${user}`, 'Subsystem sftp internal-sftp',
    `ChrootDirectory ${root}`, 'ForceCommand internal-sftp', 'AllowTcpForwarding no', 'X11Forwarding no', 'LogLevel ERROR', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd: StartedProcess = startProcess(SSHD!, ['-D', '-e', '-f', config]);
  // sshd prints nothing when it is ready: wait until the port accepts connections.
  for (let i = 0; ; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (i > 100 || sshd.child.exitCode !== null) throw new Error(`sshd did not start: ${sshd.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port, user, root, hostKeySha256: fingerprint, privateKey: readFileSync(join(keys, 'user'), 'utf8'),
    stop: async () => {
      await sshd.stop('SIGTERM').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
