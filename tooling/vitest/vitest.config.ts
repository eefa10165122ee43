import { tpioVitestConfig } from './src/config.js';

export default tpioVitestConfig('@tpio/vitest-config', ['test/**/*.test.ts']);
