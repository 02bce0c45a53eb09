// Entry point of the capture worker thread: runs one capture session and relays its messages.
import {parentPort, workerData} from 'node:worker_threads';
import type {ControlMessage, WorkerMessage} from '../model/messages.js';
import type {SessionOptions} from '../options.js';
import {CaptureSession, type SourceOpen, type UserSwitched} from './capture-session.js';

const port = parentPort!;
const session = new CaptureSession(workerData as SessionOptions, (message: WorkerMessage | SourceOpen) => {
	port.postMessage(message);
});
port.on('message', (message: ControlMessage | UserSwitched) => {
	session.control(message);
});
await session.run();
port.close();
