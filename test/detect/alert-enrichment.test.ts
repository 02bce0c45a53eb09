// An alert raised before the miner named itself (an ASIC's mining.configure answered by the pool)
// is re-emitted, same id, once for each of agent and worker learned afterwards; never per packet.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {authorizeRequest, booleanResult, configureRequest, configureResult, setDifficulty, subscribeRequest, subscribeResult} from '../../fixtures/builder/protocols/stratum-v1.js';

test('configure first: the agent and the worker that follow the pool answer are in the one alert the exchange raises', () => {
	const {open, send, alerts} = harness();
	const flow = open({client: '10.0.0.6', server: '198.51.100.66', serverPort: 4444});
	send(flow, 'client', configureRequest(1));
	send(flow, 'server', configureResult(1));
	assert.equal(alerts.length, 0, 'confirmed, but held while the miner names itself');
	assert.equal(flow.classified, false, 'still reading the miner, who has not named itself');
	send(flow, 'client', subscribeRequest(2, 'bmminer/2.0.0'));
	send(flow, 'server', subscribeResult(2, '0a1b2c3d', '0011223344556677'));
	send(flow, 'client', authorizeRequest(3, 'farm.rig7', 'x'));
	assert.equal(flow.classified, true, 'settled once the worker is known');
	send(flow, 'server', booleanResult(3) + setDifficulty(65536));
	assert.deepEqual(alerts.map((alert) => [alert.update ?? false, alert.certainty, alert.agent, alert.worker]), [
		[false, 95, 'bmminer/2.0.0', 'farm.rig7'],
	]);
});

test('subscribe answered before authorize: the worker still reaches the alert', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '10.0.0.7', server: '198.51.100.67'});
	send(flow, 'client', subscribeRequest(1, 'cgminer/4.12.1'));
	send(flow, 'server', subscribeResult(1, '0a1b2c3d', '0011223344556677'));
	assert.equal(flow.classified, false);
	send(flow, 'client', authorizeRequest(2, 'acct.worker9', 'x'));
	assert.equal(flow.classified, true);
	const [alert] = latest();
	assert.equal(alert?.agent, 'cgminer/4.12.1');
	assert.equal(alert?.worker, 'acct.worker9');
});

test('a miner that never names itself is let go after a few more lines', () => {
	const {open, send, alerts} = harness();
	const flow = open({client: '10.0.0.8', server: '198.51.100.68'});
	send(flow, 'client', configureRequest(1));
	send(flow, 'server', configureResult(1));
	for (let id = 2; id < 12 && !flow.classified; id++) send(flow, 'client', '{"id":' + id + ',"method":"mining.suggest_difficulty","params":[1024]}\n');
	assert.equal(flow.classified, true);
	assert.deepEqual(alerts.map((alert) => [alert.certainty, alert.worker]), [[95, undefined]], 'raised once as it stood when let go; nothing per line');
});

test('a hostile worker learned late is sanitized like any other', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '10.0.0.9', server: '198.51.100.69'});
	send(flow, 'client', configureRequest(1));
	send(flow, 'server', configureResult(1));
	send(flow, 'client', subscribeRequest(2, 'bmminer/2.0.0\u001b[2J'));
	send(flow, 'client', authorizeRequest(3, 'farm.\u001b]0;pwned\u0007', 'x'));
	const [alert] = latest();
	assert.equal(alert?.agent, 'bmminer/2.0.0\\x1b[2J');
	assert.equal(alert?.worker, 'farm.\\x1b]0;pwned\\x07');
});
