// Builds dist/ once for the suites that run the server as `npm start` does (as real processes).
const { execFileSync } = require('node:child_process');

module.exports = function buildOnce() {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: __dirname + '/..', stdio: 'inherit' });
};
