// Ink 6 reads CI/CONTINUOUS_INTEGRATION once, when it loads, and then draws only the last frame
// at exit. minewatch mounts Ink only on a terminal someone is watching, so that guess is wrong
// here: this module is imported before ink wherever the UI is loaded, and clears the hint.
for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
	if (name in process.env) {
		process.env[name] = 'false';
	}
}
