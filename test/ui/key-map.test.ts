import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Key} from 'ink';
import {footerBindings, helpSections, keyBindings, resolveCommand, type KeyScope} from '../../source/ui/key-map.js';

function key(fields: Partial<Key> = {}): Key {
	return {
		upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
		return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
		super: false, hyper: false, capsLock: false, numLock: false, ...fields,
	};
}

test('the documented keys resolve to their commands', () => {
	assert.equal(resolveCommand('q', key(), 'hosts', false), 'quit');
	assert.equal(resolveCommand('c', key({ctrl: true}), 'detail', false), 'quit');
	assert.equal(resolveCommand('c', key(), 'hosts', false), undefined);
	assert.equal(resolveCommand('', key({tab: true}), 'hosts', false), 'nextPane');
	assert.equal(resolveCommand('', key({tab: true, shift: true}), 'alerts', false), 'previousPane');
	assert.equal(resolveCommand('j', key(), 'hosts', false), 'down');
	assert.equal(resolveCommand('', key({downArrow: true}), 'alerts', false), 'down');
	assert.equal(resolveCommand('G', key({shift: true}), 'hosts', false), 'bottom');
	assert.equal(resolveCommand('', key({pageUp: true}), 'detail', false), 'pageUp');
	assert.equal(resolveCommand('s', key(), 'hosts', false), 'sort');
	assert.equal(resolveCommand('s', key(), 'alerts', false), undefined, 'sorting belongs to the host table');
	assert.equal(resolveCommand('a', key(), 'alerts', false), 'acknowledge');
	assert.equal(resolveCommand('', key({return: true}), 'hosts', false), 'details');
	assert.equal(resolveCommand('', key({escape: true, meta: true}), 'detail', false), 'back');
	assert.equal(resolveCommand(' ', key(), 'protocols', false), 'pause');
	assert.equal(resolveCommand('+', key(), 'hosts', true), 'faster');
	assert.equal(resolveCommand('+', key(), 'hosts', false), undefined, 'speed only in replay');
	assert.equal(resolveCommand('-', key(), 'alerts', true), 'slower');
});

test('no two bindings claim the same key in the same scope', () => {
	const scopes: KeyScope[] = ['hosts', 'protocols', 'alerts', 'detail', 'help'];
	for (const scope of scopes) {
		const seen = new Map<string, string>();
		for (const binding of keyBindings) {
			if (binding.scopes !== undefined && !binding.scopes.includes(scope)) {
				continue;
			}

			for (const chord of binding.chords) {
				const id = JSON.stringify(chord);
				assert.equal(seen.get(id), undefined, `${id} in ${scope} bound to ${seen.get(id)} and ${binding.command}`);
				seen.set(id, binding.command);
			}
		}
	}
});

test('help lists every binding once, and the footer only what applies to the scope', () => {
	const listed = helpSections(true).flatMap(section => section.bindings.map(binding => binding.command));
	assert.deepEqual([...listed].sort(), keyBindings.map(binding => binding.command).sort());
	assert.equal(helpSections(false).some(section => section.title === 'Replay'), false);
	const alerts = footerBindings('alerts', false).map(binding => binding.command);
	assert.ok(alerts.includes('acknowledge'));
	assert.ok(!alerts.includes('sort'));
	assert.ok(footerBindings('hosts', true).some(binding => binding.command === 'faster'));
});
