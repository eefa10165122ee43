import type { UserConfig } from 'vitest/config';
export declare function tpioVitestConfig(name: string, include?: string[]): UserConfig;
