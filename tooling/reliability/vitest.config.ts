import { tpioVitestConfig } from '@tpio/vitest-config/config';

export default tpioVitestConfig('@tpio/reliability', ['test/**/*.test.ts']);
