import { tpioVitestConfig } from '@tpio/vitest-config/config';

export default tpioVitestConfig('@tpio/bench');
