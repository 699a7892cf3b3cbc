/* global process */
/**
 * A jest reporter that lists every skipped test at the end of the run, with the reason its name
 * gives, so a skip is never silent in `npm test` (e.g. the browser test without Chromium).
 * Name a conditionally skipped test or block after its reason: "… (skipped: no Chromium at …)".
 */
class SkippedReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' || test.status === 'skipped' || test.status === 'todo') skipped.push(`${file.testFilePath.replace(process.cwd() + '/', '')}: ${test.fullName}`);
      }
    }
    if (!skipped.length) return;
    process.stdout.write(`\nSkipped tests (${skipped.length}):\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
  }
}

module.exports = SkippedReporter;
