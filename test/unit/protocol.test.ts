// The validators at each receiving edge: a message of the wrong shape is refused with a
// ProtocolError naming what is wrong, and never reaches the code that acts on it.

import * as assert from 'node:assert/strict';
import { parseHostToWorker, parseViewToHost, parseWorkerToHost, ProtocolError } from '../../src/protocol';

const refuses = (parse: (m: unknown) => unknown, m: unknown, what: RegExp) =>
  assert.throws(() => parse(m), (e: Error) => e instanceof ProtocolError && what.test(e.message), JSON.stringify(m));

describe('protocol validation', () => {
  it('webview → host: accepts the three message kinds, exactly', () => {
    assert.deepEqual(parseViewToHost({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseViewToHost({ type: 'command', command: 'stop' }), { type: 'command', command: 'stop' });
    assert.deepEqual(parseViewToHost({ type: 'save', format: 'csv', name: 'seqlab-loss.csv', data: 'a,b\n' }),
      { type: 'save', format: 'csv', name: 'seqlab-loss.csv', data: 'a,b\n' });
  });

  it('webview → host: refuses non-objects, unknown types and commands, and unsafe file names', () => {
    refuses(parseViewToHost, null, /expected an object/);
    refuses(parseViewToHost, ['ready'], /expected an object/);
    refuses(parseViewToHost, 'ready', /expected an object/);
    refuses(parseViewToHost, { type: 'eval', code: '1' }, /unknown webview message type "eval"/);
    refuses(parseViewToHost, { type: 'command', command: 'rm' }, /field "command": expected one of/);
    refuses(parseViewToHost, { type: 'save', format: 'exe', name: 'a.png', data: '' }, /field "format"/);
    refuses(parseViewToHost, { type: 'save', format: 'png', name: '../../etc/passwd', data: '' }, /field "name"/);
    refuses(parseViewToHost, { type: 'save', format: 'png', name: 'x'.repeat(201), data: '' }, /field "name"/);
    refuses(parseViewToHost, { type: 'save', format: 'png', name: 'a.png', data: 42 }, /field "data"/);
  });

  it('worker → host: refuses unknown types and missing fields', () => {
    assert.equal(parseWorkerToHost({ type: 'result', requestId: 3, value: 'x' }).type, 'result');
    refuses(parseWorkerToHost, { type: 'exit' }, /unknown worker message type/);
    refuses(parseWorkerToHost, { type: 'progress', runId: 'r', points: 'many' }, /field "points"/);
    refuses(parseWorkerToHost, { type: 'result', requestId: '3' }, /field "requestId"/);
    refuses(parseWorkerToHost, { type: 'failed', runId: 'r' }, /field "message"/);
  });

  it('host → worker: refuses unknown tasks and jobs without text', () => {
    assert.equal(parseHostToWorker({ type: 'infer', requestId: 1, checkpointPath: '/m', task: { kind: 'load' } }).type, 'infer');
    refuses(parseHostToWorker, { type: 'infer', requestId: 1, checkpointPath: '/m', task: { kind: 'shell' } }, /field "kind"/);
    refuses(parseHostToWorker, { type: 'train', job: { runId: 'r', checkpointPath: '/m', model: {}, train: {} } }, /field "text"/);
    refuses(parseHostToWorker, { type: 'quit' }, /unknown host message type/);
  });
});
