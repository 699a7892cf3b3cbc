import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Preloaded (`node --require dist/bench/rss-probe.js …`) into a process the import suite starts:
 * when the process exits, it writes its peak resident set size to the file named by
 * `BENCH_RSS_FILE` (JSON: `maxRssKiB` from `process.resourceUsage()`, `vmHwmKiB` from
 * /proc/self/status where there is one). Measures the real command without changing it.
 */
const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    let vmHwmKiB: number | null = null;
    try {
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      vmHwmKiB = match ? Number(match[1]) : null;
    } catch {
      vmHwmKiB = null;
    }
    writeFileSync(out, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, vmHwmKiB }));
  });
}
