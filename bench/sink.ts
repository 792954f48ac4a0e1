import { spawn } from 'node:child_process';

/**
 * An HTTP endpoint that reads and drops whatever it is sent (OTLP spans, usage reports), in a process of
 * its own so that receiving is not counted against the server that sends.
 */
const SINK = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end()); })
  .listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
process.stdin.on('end', () => process.exit(0)).resume();`;

/** @returns the sink's base URL */
export async function startSink(): Promise<string> {
  // Its stdin is this process's pipe: when this server goes, however it goes, the sink follows.
  const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    sink.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  return `http://127.0.0.1:${port}`;
}
