/**
 * The local Athena of the tests as a process, for benchmarks over big logs:
 *
 *   vite-node test/helpers/athena-serve.ts -- logs.big path/to/invocations.jsonl [more files]
 *
 * prints its URL on the first line of stdout and serves until stdin closes.
 */
import { startAthenaServer } from './athena-server.js';

const [table, ...files] = process.argv.slice(2).filter((a) => a !== '--');
if (!table || files.length === 0) {
  console.error('usage: athena-serve.ts DATABASE.TABLE FILE...');
  process.exit(2);
}
const server = await startAthenaServer({ tables: { [table]: files } });
console.log(server.url);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
