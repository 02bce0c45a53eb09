import {test} from 'node:test';
import assert from 'node:assert/strict';
import {harness} from './support/engine-harness.js';
import {describeAlert} from '../../source/view/alert-description.js';

const subscribe = '{"id":1,"method":"mining.subscribe","params":["cgminer/4.12.1"]}\n';
const authorize = '{"id":2,"method":"mining.authorize","params":["farm.rig1","x"]}\n';
const subscribed = '{"id":1,"result":[[["mining.notify","ae6812eb"]],"08000002",4],"error":null}\n';

test('one alert per (detection, host, peer, port); re-emitted with the same id when certainty rises or a newer flow shows it again', () => {
	const {open, send, end, alerts} = harness();
	const first = open({client: '10.0.0.5', server: '198.51.100.9'});
	send(first, 'client', subscribe);
	end(first);
	const second = open({client: '10.0.0.5', server: '198.51.100.9', clientPort: 50_001});
	send(second, 'client', subscribe);
	send(second, 'server', subscribed);
	send(second, 'client', authorize);
	const third = open({client: '10.0.0.5', server: '198.51.100.9', clientPort: 50_002});
	send(third, 'client', subscribe);
	send(third, 'server', subscribed);
	send(third, 'client', authorize);
	assert.deepEqual(alerts.map((alert) => [alert.id, alert.update, alert.certainty, alert.count]), [
		[alerts[0]!.id, undefined, 70, 1],
		[alerts[0]!.id, true, 95, 2],
		[alerts[0]!.id, true, 95, 3],
	]);
	assert.match(alerts[0]!.id, /^[0-9a-f]{16}$/);
	assert.equal(alerts[1]?.time, new Date(second.lastSeenMicros / 1000).toISOString());
});

test('an exchange still under way is held as one stage: one alert once it completes, or when it stalls or ends', () => {
	const {open, send, end, engine, alerts} = harness();
	const whole = open({client: '10.0.0.5', server: '198.51.100.9'});
	send(whole, 'client', subscribe);
	send(whole, 'server', subscribed);
	assert.equal(alerts.length, 0);
	send(whole, 'client', authorize);
	assert.deepEqual(alerts.map((alert) => [alert.certainty, alert.worker, alert.update]), [[95, 'farm.rig1', undefined]]);

	const stalled = open({client: '10.0.0.6', server: '198.51.100.9'});
	send(stalled, 'client', subscribe);
	// The grace runs from the exchange's first held stage.
	const heldAt = stalled.lastSeenMicros;
	send(stalled, 'server', subscribed);
	engine.tick(heldAt + 1_999_999);
	assert.equal(alerts.length, 1);
	engine.tick(heldAt + 2_000_000);
	assert.deepEqual(alerts.slice(1).map((alert) => [alert.host, alert.certainty, alert.worker]), [['10.0.0.6', 95, undefined]]);

	const ended = open({client: '10.0.0.7', server: '198.51.100.9'});
	send(ended, 'client', subscribe);
	end(ended);
	assert.deepEqual(alerts.slice(2).map((alert) => [alert.host, alert.certainty]), [['10.0.0.7', 70]]);
});

test('an internal miner through an internal proxy: mining for the miner, mining-pool for the proxy', () => {
	const {open, send, latest, engine} = harness();
	const flow = open({client: '10.0.0.5', server: '10.0.0.200', serverPort: 3333});
	send(flow, 'client', subscribe);
	send(flow, 'server', subscribed);
	send(flow, 'client', authorize);
	const alerts = latest();
	assert.deepEqual(alerts.map((alert) => [alert.detection, alert.host, alert.peer, alert.direction, alert.severity]), [
		['mining-pool', '10.0.0.200', '10.0.0.5', 'internal-internal', 'medium'],
		['mining', '10.0.0.5', '10.0.0.200', 'internal-internal', 'medium'],
	]);
	assert.deepEqual(engine.hostInfo('10.0.0.200').roles, ['pool']);
	assert.deepEqual(engine.hostInfo('10.0.0.5').roles, ['miner']);
	assert.deepEqual(engine.hostInfo('10.0.0.5').protocols, ['stratum']);
});

test('outside miners using a home-network pool raise only mining-pool, critical, with the pool\'s port', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '198.51.100.30', clientPort: 51_234, server: '10.0.0.200', serverPort: 3333});
	send(flow, 'client', subscribe);
	send(flow, 'server', subscribed);
	send(flow, 'client', authorize);
	const alerts = latest();
	assert.equal(alerts.length, 1);
	assert.equal(alerts[0]?.detection, 'mining-pool');
	assert.equal(alerts[0]?.hostRole, 'pool');
	assert.equal(alerts[0]?.direction, 'external-internal');
	assert.equal(alerts[0]?.severity, 'critical');
	assert.equal(alerts[0]?.port, 3333);
	assert.equal(alerts[0]?.opener, 'peer', 'the outside miner opened the connection to the pool');
	assert.equal(describeAlert({alert: alerts[0]!, acknowledged: false}).split(' mining-pool')[0], '198.51.100.30 → 10.0.0.200:3333');
});

test('external to external mining is still reported, at low severity', () => {
	const {open, send, latest} = harness();
	const flow = open({client: '147.229.13.222', server: '185.71.66.39', serverPort: 9999});
	send(flow, 'client', subscribe);
	send(flow, 'server', subscribed);
	send(flow, 'client', authorize);
	assert.deepEqual(latest().map((alert) => [alert.detection, alert.direction, alert.severity]), [['mining', 'external-external', 'low']]);
});

test('allowed hosts are flagged and not counted as open', () => {
	const {open, send, end, latest, engine} = harness({allow: ['10.0.0.0/24']});
	const flow = open({client: '10.0.0.5', server: '198.51.100.9'});
	send(flow, 'client', subscribe);
	send(flow, 'server', subscribed);
	send(flow, 'client', authorize);
	const other = open({client: '10.9.0.5', server: '198.51.100.9'});
	send(other, 'client', subscribe);
	end(other);
	assert.deepEqual(latest().map((alert) => alert.allowed), [true, false]);
	assert.deepEqual(engine.alertsOpen(), {low: 0, medium: 0, high: 1, critical: 0});
	assert.equal(engine.alertCount, 2);
	assert.equal(engine.hostInfo('10.0.0.5').severity, undefined);
	assert.equal(engine.hostInfo('10.9.0.5').severity, 'high');
});

test('mining alerts carry MITRE TA0040 / T1496.001', () => {
	const {open, send, end, latest} = harness();
	const flow = open({client: '10.0.0.5', server: '198.51.100.9'});
	send(flow, 'client', subscribe);
	end(flow);
	assert.deepEqual(latest()[0]?.mitre, {tactic: 'TA0040', technique: 'T1496.001'});
});

test('flows no detector wants are settled so reassembly stops', () => {
	const {open, send} = harness();
	const ssh = open({serverPort: 22});
	send(ssh, 'server', 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
	send(ssh, 'client', 'SSH-2.0-OpenSSH_9.2p1\r\n');
	assert.equal(ssh.classified, true);
	assert.equal(ssh.family, 'other');
});
