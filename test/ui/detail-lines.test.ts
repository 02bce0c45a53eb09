import {test} from 'node:test';
import assert from 'node:assert/strict';
import {buildDetailLines} from '../../source/ui/detail-lines.js';
import {host, summary} from './ui-test-kit.js';

test('a host with no detail yet: the worker is still to answer, but a stream that does not carry the host never will', () => {
	const texts = (fields: Parameters<typeof summary>[0]) => buildDetailLines('192.168.10.99', summary(fields), [], 100).map(line => line.text).slice(0, 2);
	assert.deepEqual(texts({}), ['Host 192.168.10.99', 'waiting for the capture worker…']);
	assert.deepEqual(texts({streamed: {hostsCarried: 20, hostsAtSensor: 4312, badLines: 0}}), ['Host 192.168.10.99', 'not among the hosts the stream carries (the sensor\'s --top)']);
	const shown = buildDetailLines('192.168.10.99', summary({detail: {host: host('192.168.10.99'), liveFlows: 0, flows: [], peers: [], streamed: true}, streamed: {hostsCarried: 20, hostsAtSensor: 4312, badLines: 0}}), [], 100);
	assert.match(shown[0]!.text, /^Host 192\.168\.10\.99 · /, 'a carried host gets its detail');
});
