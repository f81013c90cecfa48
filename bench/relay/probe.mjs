// Loaded with --import into the relay and the floor alike: answers the bench over the IPC channel
// with its memory after a full GC, and takes heap snapshots and CPU profiles when asked.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
let session;

const commands = {
  memory() {
    gc();
    gc();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return { rss, heapUsed, heapTotal, external, arrayBuffers };
  },
  heapSnapshot({ file }) {
    gc();
    return { file: writeHeapSnapshot(file) };
  },
  async startProfile() {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
    return {};
  },
  async stopProfile({ file }) {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return { file };
  },
};

function post(method, params = {}) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

if (process.send) {
  process.on('message', async (message) => {
    try {
      process.send({ id: message.id, ...(await commands[message.cmd](message)) });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
  // The channel must not keep a process alive that would otherwise exit; a server whose bench is gone ends.
  process.channel.unref();
  process.on('disconnect', () => process.exit(0));
}
